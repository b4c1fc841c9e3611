/**
 * Token log-probabilities for the chat: the request fields the Logprobs toggle adds, and the compaction of the
 * API's `logprobs.content[]` entries into the small `TokenLogprobView`s that the webview shows and the store
 * keeps. vscode-free and DOM-free.
 */
import type { Settings } from '../config/settings';
import type { ChatRequest, LogprobEntry } from '../providers/api';
import type { TokenAlternativeView, TokenLogprobView } from '../webview/protocol';

/** `top_logprobs` when the toggle is on and `arcee.topLogprobs` is not set. */
export const DEFAULT_TOP_LOGPROBS = 5;
/** Alternatives kept per token (the API allows 20; more is noise in a tooltip and weight on disk). */
export const MAX_ALTERNATIVES = 10;
/**
 * Tokens kept per message (with 5 alternatives, ~200 bytes each in the saved conversation); past this the
 * answer is still shown, the rest of it unshaded.
 */
export const MAX_TOKENS_KEPT = 8_000;
/** What a logprob of -Infinity (or anything not a number) becomes: JSON has no -Infinity, and e^-100 is 0 on screen. */
export const MIN_LOGPROB = -100;
/** A UTF-8 character is at most 4 bytes; a group of partial-byte tokens longer than this is broken and emitted as is. */
const MAX_GROUP_BYTES = 16;

/** The request fields for a chat with the toggle on. */
export function logprobOverrides(topLogprobs: number | undefined): Pick<ChatRequest, 'logprobs' | 'top_logprobs'> {
  return { logprobs: true, top_logprobs: topLogprobs ?? DEFAULT_TOP_LOGPROBS };
}

/**
 * What one chat request does about probabilities: with the toggle on it asks for them; with `arcee.logprobs`
 * on they come anyway. Either way the answer keeps them (`keep`) and is shaded.
 */
export function logprobPlan(
  toggle: boolean,
  settings: Pick<Settings, 'requestDefaults' | 'topLogprobs'>,
): { keep: boolean; overrides: Partial<ChatRequest> } {
  if (toggle) return { keep: true, overrides: logprobOverrides(settings.topLogprobs) };
  return { keep: settings.requestDefaults.logprobs === true, overrides: {} };
}

/** A finite logprob in [MIN_LOGPROB, 0], rounded to 4 decimals (enough for a percentage; half the JSON). */
export function cleanLogprob(v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v === -Infinity) return MIN_LOGPROB;
  if (v >= 0) return 0;
  return Math.max(MIN_LOGPROB, Math.round(v * 10_000) / 10_000);
}

function byteList(v: unknown): number[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? (v as number[]) : undefined;
}

/** True when `bytes` end on a UTF-8 character boundary (a last character cut short is incomplete). */
export function endsOnCharBoundary(bytes: readonly number[]): boolean {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    i += n;
  }
  return i === bytes.length;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

function decodeStrict(bytes: readonly number[]): string | undefined {
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** The text a token adds: its bytes decoded when they are valid UTF-8, else the token string as sent. */
function tokenText(token: unknown, bytes: number[] | undefined): string {
  const decoded = bytes ? decodeStrict(bytes) : undefined;
  return decoded ?? (typeof token === 'string' ? token : '');
}

function alternatives(entry: LogprobEntry): TokenAlternativeView[] | undefined {
  const top = Array.isArray(entry.top_logprobs) ? entry.top_logprobs : [];
  const out: TokenAlternativeView[] = [];
  for (const t of top) {
    if (typeof t !== 'object' || t === null || typeof t.token !== 'string') continue;
    out.push({ token: tokenText(t.token, byteList(t.bytes)), logprob: cleanLogprob(t.logprob) });
    if (out.length >= MAX_ALTERNATIVES) break;
  }
  return out.length ? out : undefined;
}

/**
 * Turns streamed entries into views. A character split over several tokens (an emoji sent as byte pieces with
 * `bytes`) becomes one view: its text the decoded character, its logprob the sum (the joint probability), its
 * alternatives those of the first piece. Pieces are held until the character completes, also across chunks.
 */
export class LogprobCompactor {
  private group: LogprobEntry[] = [];
  private groupBytes: number[] = [];

  push(entries: readonly LogprobEntry[]): TokenLogprobView[] {
    const out: TokenLogprobView[] = [];
    for (const e of entries) {
      if (typeof e !== 'object' || e === null) continue;
      const bytes = byteList(e.bytes);
      if (!bytes) {
        this.emitGroup(out);
        out.push(this.view([e], tokenText(e.token, undefined)));
        continue;
      }
      this.group.push(e);
      this.groupBytes.push(...bytes);
      if (endsOnCharBoundary(this.groupBytes) || this.groupBytes.length > MAX_GROUP_BYTES) this.emitGroup(out);
    }
    return out;
  }

  /** The stream ended: a character still incomplete is emitted as far as it goes. */
  flush(): TokenLogprobView[] {
    const out: TokenLogprobView[] = [];
    this.emitGroup(out);
    return out;
  }

  private emitGroup(out: TokenLogprobView[]): void {
    if (!this.group.length) return;
    const group = this.group;
    const bytes = this.groupBytes;
    this.group = [];
    this.groupBytes = [];
    const text =
      group.length === 1
        ? tokenText(group[0].token, bytes)
        : (decodeStrict(bytes) ?? lenientUtf8.decode(new Uint8Array(bytes)));
    out.push(this.view(group, text));
  }

  private view(group: LogprobEntry[], text: string): TokenLogprobView {
    const sum = group.reduce((s, e) => s + cleanLogprob(e.logprob), 0);
    const top = alternatives(group[0]);
    return { token: text, logprob: cleanLogprob(sum), ...(top ? { top } : {}) };
  }
}
