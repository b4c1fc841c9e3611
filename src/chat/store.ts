/**
 * Conversations on disk: one JSON file per conversation plus an index, written atomically (temp file, then
 * rename) so a crash mid-write never loses history. vscode-free: the host passes a small file adapter.
 */
import type { ChatMessageView, ConversationSummary, ConversationView } from '../webview/protocol';
import { fenceFor } from './prompt';

/** The few file operations the store needs, relative to its own folder. */
export interface StoreFiles {
  read(name: string): Promise<string | undefined>;
  /** Must replace the file atomically. */
  write(name: string, data: string): Promise<void>;
  delete(name: string): Promise<void>;
}

const INDEX = 'index.json';
const MAX_TITLE = 80;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A title from the first user message: its first line, shortened. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (!line) return 'New chat';
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}

export function newId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function emptyConversation(now = Date.now()): ConversationView {
  return { id: newId('c'), title: 'New chat', messages: [], createdAt: now, updatedAt: now };
}

function fileOf(id: string): string {
  if (!/^[\w-]+$/.test(id)) throw new Error(`Bad conversation id: ${id}`);
  return `${id}.json`;
}

interface QueuedSave {
  snapshot: string;
  summary: ConversationSummary;
  done: Promise<void>;
}

function summaryOf(c: ConversationView): ConversationSummary {
  return { id: c.id, title: c.title, updatedAt: c.updatedAt, messageCount: c.messages.length };
}

export class ConversationStore {
  private index: ConversationSummary[] | undefined;
  private readonly queued = new Map<string, QueuedSave>();
  private writes: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(history: ConversationSummary[]) => void>();

  constructor(private readonly files: StoreFiles) {}

  /** Called with the new list after every change (all surfaces show the same history). */
  onDidChange(listener: (history: ConversationSummary[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async list(): Promise<ConversationSummary[]> {
    if (!this.index) {
      const raw = await this.files.read(INDEX);
      let parsed: unknown;
      try {
        parsed = raw ? JSON.parse(raw) : [];
      } catch {
        parsed = [];
      }
      this.index = Array.isArray(parsed)
        ? parsed.filter(
            (s): s is ConversationSummary =>
              isRecord(s) && typeof s.id === 'string' && typeof s.title === 'string' && typeof s.updatedAt === 'number',
          )
        : [];
    }
    return [...this.index].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async get(id: string): Promise<ConversationView | undefined> {
    const raw = await this.files.read(fileOf(id));
    if (!raw) return undefined;
    try {
      const c: unknown = JSON.parse(raw);
      if (isRecord(c) && typeof c.id === 'string' && Array.isArray(c.messages))
        return settleInterrupted(c as unknown as ConversationView);
    } catch {
      // A damaged file is reported as missing; the index entry stays so nothing else is lost.
    }
    return undefined;
  }

  /**
   * Saves a conversation (not if it is empty) and its index entry. Writes are serialised; saves of the same
   * conversation that are still waiting collapse into one with the newest snapshot.
   */
  save(conversation: ConversationView): Promise<void> {
    if (conversation.messages.length === 0) return this.writes;
    const queued = this.queued.get(conversation.id);
    if (queued) {
      queued.snapshot = JSON.stringify(conversation);
      queued.summary = summaryOf(conversation);
      return queued.done;
    }
    const entry: QueuedSave = {
      snapshot: JSON.stringify(conversation),
      summary: summaryOf(conversation),
      done: Promise.resolve(),
    };
    this.queued.set(conversation.id, entry);
    const run = async (): Promise<void> => {
      this.queued.delete(conversation.id);
      await this.files.write(fileOf(conversation.id), entry.snapshot);
      const list = await this.list();
      this.index = [entry.summary, ...list.filter((s) => s.id !== conversation.id)];
      await this.writeIndex();
    };
    this.writes = this.writes.then(run, run);
    entry.done = this.writes;
    return this.writes;
  }

  async rename(id: string, title: string): Promise<ConversationView | undefined> {
    const c = await this.get(id);
    const t = title.trim().slice(0, MAX_TITLE);
    if (!c || !t) return c;
    c.title = t;
    await this.save(c);
    return c;
  }

  delete(id: string): Promise<void> {
    const run = async (): Promise<void> => {
      const list = await this.list();
      this.index = list.filter((s) => s.id !== id);
      await this.writeIndex();
      await this.files.delete(fileOf(id));
    };
    this.writes = this.writes.then(run, run);
    return this.writes;
  }

  /** Waits for pending writes (tests, deactivate). */
  flush(): Promise<void> {
    return this.writes;
  }

  private async writeIndex(): Promise<void> {
    await this.files.write(INDEX, JSON.stringify(this.index ?? []));
    const snapshot = await this.list();
    for (const l of this.listeners) l(snapshot);
  }
}

/**
 * A conversation saved while a request ran (the window closed, VS Code quit) comes back finished: a streaming
 * answer as stopped, a tool call that waited or ran as stopped, with the result the model will be told.
 */
export function settleInterrupted(c: ConversationView): ConversationView {
  for (const m of c.messages) {
    if (m.state === 'streaming') m.state = 'stopped';
    for (const t of m.toolCalls ?? []) {
      if (t && (t.status === 'pending' || t.status === 'running')) {
        t.status = 'denied';
        t.result = INTERRUPTED_RESULT;
      }
    }
  }
  return c;
}

const INTERRUPTED_RESULT = 'The request was interrupted (VS Code closed) before this tool call ran.';

/** A conversation as Markdown, for export: reasoning folded, errors noted, never anything secret. */
export function conversationToMarkdown(c: ConversationView): string {
  const out: string[] = [
    `# ${c.title}`,
    '',
    `_Exported from Arcee for VS Code, ${new Date(c.updatedAt).toISOString()}_`,
    '',
  ];
  for (const m of c.messages) out.push(...messageToMarkdown(m), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function fence(text: string, lang = ''): string {
  const f = fenceFor(text);
  return `${f}${lang}\n${text}\n${f}`;
}

function messageToMarkdown(m: ChatMessageView): string[] {
  const out: string[] = [];
  if (m.role === 'user') {
    out.push('## You', '', m.content);
    for (const chip of m.context ?? [])
      out.push('', `\`${chip.path}\` lines ${chip.startLine}–${chip.endLine}:`, '', fence(chip.text, chip.language));
    for (const img of m.images ?? []) out.push('', `_(image: ${img.name})_`);
    return out;
  }
  out.push(`## Arcee${m.model ? ` (${m.model})` : ''}`, '');
  if (m.reasoning) out.push('<details><summary>Reasoning</summary>', '', m.reasoning, '', '</details>', '');
  out.push(m.content);
  for (const t of m.toolCalls ?? []) {
    out.push(
      '',
      `Tool call \`${t.name}\`${t.summary ? ` (${t.summary})` : ''}${t.status ? `: ${t.status}` : ''}`,
      '',
      fence(t.arguments, 'json'),
    );
    if (t.result !== undefined) out.push('', fence(t.result));
  }
  if (m.state === 'stopped') out.push('', '_(stopped)_');
  if (m.state === 'error' && m.error) out.push('', `> Error: ${m.error.message}`);
  return out;
}
