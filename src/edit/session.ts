/**
 * One inline edit: the captured target (document, range as tracked offsets, original text), the request, the
 * candidates streamed so far, and the two virtual documents the diff shows (the current file, and the file with
 * the candidate in place). The real document is not touched until Accept.
 */
import * as path from 'node:path';
import vscode = require('vscode');
import { EDIT_SCHEME } from '../ids';
import type { ChatRequest, FinishReason } from '../providers/api';
import { extractCode } from './extract';
import { TrackedRange } from './rangeTracker';
import { rebase, type RebaseTarget } from './rebase';

export type SessionState = 'streaming' | 'review' | 'ended';

export interface Candidate {
  raw: string;
  finish: FinishReason | null;
  /** The stream was cut, or the answer hit `max_tokens`. */
  truncated: boolean;
}

export interface EditTarget {
  document: vscode.TextDocument;
  range: vscode.Range;
  /** Where the document was shown when the command started (the diff opens there). */
  viewColumn?: vscode.ViewColumn;
  insertSpaces?: boolean;
  tabSize?: number;
}

let nextId = 1;

export class EditSession {
  readonly id = String(nextId++);
  readonly document: vscode.TextDocument;
  readonly tracked: TrackedRange;
  readonly original: string;
  readonly rebaseTarget: RebaseTarget;
  readonly originalUri: vscode.Uri;
  readonly proposedUri: vscode.Uri;
  readonly viewColumn: vscode.ViewColumn | undefined;
  state: SessionState = 'streaming';
  candidates: Candidate[] = [];
  current = 0;
  /** Bumped by Retry, so a superseded stream's events are ignored. */
  generation = 0;
  abort: AbortController | undefined;
  /** Starts the same edit again (Retry after a failure). */
  restart: (() => Promise<unknown>) | undefined;
  /** Set by `propose`: the candidate is given code (a chat code block), not a model reply; nothing to retry. */
  proposed = false;

  constructor(
    target: EditTarget,
    readonly request: ChatRequest,
    readonly title: string,
  ) {
    const doc = target.document;
    this.document = doc;
    this.tracked = new TrackedRange(doc.offsetAt(target.range.start), doc.offsetAt(target.range.end));
    this.original = doc.getText(target.range);
    this.viewColumn = target.viewColumn;
    this.rebaseTarget = {
      original: this.original,
      firstLinePrefix: doc.lineAt(target.range.start.line).text.slice(0, target.range.start.character),
      eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
      insertSpaces: target.insertSpaces,
      tabSize: target.tabSize,
    };
    // The file name stays last, so the virtual documents get the file's language from its extension.
    const name = path.posix.basename(doc.uri.path) || 'untitled';
    this.originalUri = vscode.Uri.from({ scheme: EDIT_SCHEME, path: `/${this.id}/original/${name}` });
    this.proposedUri = vscode.Uri.from({ scheme: EDIT_SCHEME, path: `/${this.id}/proposed/${name}` });
  }

  get range(): vscode.Range {
    return new vscode.Range(this.document.positionAt(this.tracked.start), this.document.positionAt(this.tracked.end));
  }

  get candidate(): Candidate | undefined {
    return this.candidates[this.current];
  }

  /** The text that replaces the range for a candidate: code only, re-based onto the original. */
  replacement(c: Candidate | undefined = this.candidate): string {
    if (!c) return this.original;
    return rebase(this.proposed ? givenCode(c.raw) : extractCode(c.raw).code, this.rebaseTarget);
  }

  /**
   * Makes `code` the one candidate, ready for review: no request, and no extraction (fences or `<think>` in
   * it are code), only the re-basing a model's answer gets.
   */
  propose(code: string): void {
    this.proposed = true;
    this.candidates = [{ raw: code, finish: 'stop', truncated: false }];
    this.current = 0;
    this.state = 'review';
  }

  /** The whole document with the current candidate in place. */
  proposedText(): string {
    const text = this.document.getText();
    return text.slice(0, this.tracked.start) + this.replacement() + text.slice(this.tracked.end);
  }

  /** "2/3", or "" with one candidate. */
  position(): string {
    return this.candidates.length > 1 ? `${this.current + 1}/${this.candidates.length}` : '';
  }
}

/** Given code with `\n` line endings and without blank lines around it, as `extractCode` leaves a reply's. */
function givenCode(code: string): string {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b).join('\n');
}
