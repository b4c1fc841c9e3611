/**
 * The inline edit engine. The answer streams into a read-only preview shown with `vscode.diff` (the file as it is
 * ↔ the file with the answer in place), so the real document is never half-edited: Accept applies the chosen
 * candidate in ONE edit (one undo step restores the original), Reject and Cancel close the preview and leave
 * the file exactly as it was. The target range is tracked through the user's edits elsewhere; an edit inside
 * it stops everything, and the user's text wins.
 */
import vscode = require('vscode');
import type { ChatMessage, ChatResult } from '../providers/api';
import { isArceeError } from '../providers/errors';
import type { ArceeService } from '../services/arceeService';
import { Disposable, signalFromToken } from '../services/dispose';
import { showError } from '../services/errorUi';
import { extractCode } from './extract';
import { EditMarks } from './editMarks';
import type { EditContentProvider } from './content';
import { EditSession, type Candidate, type EditTarget } from './session';

export type EditOutcomeState = 'review' | 'truncated' | 'cancelled' | 'conflict' | 'failed' | 'empty' | 'closed';

export interface EditOutcome {
  state: EditOutcomeState;
  candidates: number;
}

const REFRESH_MS = 40;

/** One inline edit at a time: streaming, then under review until accepted, rejected or invalidated. */
export class InlineEditController extends Disposable {
  private session: EditSession | undefined;
  private readonly marks: EditMarks;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private outcomeWaiter: ((o: EditOutcome) => void) | undefined;
  private progress: vscode.Progress<{ message?: string }> | undefined;

  constructor(
    private readonly service: ArceeService,
    /** Registered for the diff's sides by its owner. */
    private readonly content: EditContentProvider,
  ) {
    super();
    this.marks = this._register(new EditMarks(() => this.session));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.onDocumentChange(e)));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        const s = this.session;
        if (s && d === s.document)
          void this.end(
            s,
            'closed',
            `The file of the Arcee edit (${vscode.workspace.asRelativePath(d.uri)}) was closed; the edit was dropped.`,
          );
      }),
    );
  }

  get active(): EditSession | undefined {
    return this.session;
  }

  /**
   * Starts an edit of `target` with `messages` and streams it into the diff. Resolves when the stream has
   * ended (under review, truncated, cancelled, failed…); the edit itself waits for Accept or Reject.
   */
  async start(target: EditTarget, messages: ChatMessage[], title: string, alternatives: number): Promise<EditOutcome> {
    if (this.session) await this.end(this.session, 'cancelled');
    const request = this.service.request(messages, { n: alternatives > 1 ? alternatives : null });
    const s = new EditSession(target, request, title);
    // After a failure the session is gone; Retry starts again on the range as it is then.
    s.restart = () => this.start({ ...target, range: s.range }, messages, title, alternatives);
    this.session = s;
    this.content.add(s);
    await this.setContext(s);
    this.marks.update();
    await this.openDiff(s);
    return this.run(s);
  }

  /**
   * Proposes `code` (e.g. a chat code block) for `target` through the same diff, without asking the model:
   * one candidate, re-based onto the range like an answer, under review at once. Accept applies it as one
   * edit, Reject leaves the file as it is; there is nothing to retry. Resolves with 'review' once the diff is
   * shown (or how the proposal ended, if it already has).
   */
  async propose(target: EditTarget, code: string, title: string): Promise<EditOutcome> {
    if (this.session) await this.end(this.session, 'cancelled');
    // Nothing is sent: the session's request is never used.
    const s = new EditSession(target, { model: '', messages: [] }, title);
    s.propose(code);
    this.session = s;
    this.content.add(s);
    const outcome = new Promise<EditOutcome>((resolve) => (this.outcomeWaiter = resolve));
    await this.setContext(s);
    this.marks.update();
    await this.openDiff(s);
    // An edit inside the range, a closed file or a newer edit may have ended it meanwhile (end() settled it).
    if (this.session === s && s.state === 'review') this.settle({ state: 'review', candidates: 1 });
    return outcome;
  }

  /** Applies the shown candidate as one edit. */
  async accept(): Promise<boolean> {
    const s = this.session;
    if (!s) return false;
    if (s.state !== 'review') {
      void vscode.window.showInformationMessage(
        'Arcee is still writing this edit: wait for it to finish, or cancel it (Esc).',
      );
      return false;
    }
    const range = s.range;
    if (s.document.isClosed || s.document.getText(range) !== s.original) {
      await this.end(
        s,
        'conflict',
        'The code Arcee was editing changed, so the edit was not applied. Your text is kept.',
      );
      return false;
    }
    const text = s.replacement();
    await this.end(s, 'review');
    const editor = await vscode.window.showTextDocument(s.document, {
      viewColumn: s.viewColumn,
      preserveFocus: false,
      preview: false,
    });
    const ok = await editor.edit((b) => b.replace(range, text), { undoStopBefore: true, undoStopAfter: true });
    if (!ok) {
      void vscode.window.showWarningMessage('The editor did not accept the Arcee edit (the file may be read-only).');
      return false;
    }
    const start = range.start;
    const end = s.document.positionAt(s.document.offsetAt(start) + text.length);
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }

  /** Drops the edit; the file is left exactly as it is. */
  async reject(): Promise<boolean> {
    const s = this.session;
    if (!s) return false;
    await this.end(s, 'cancelled');
    await vscode.window.showTextDocument(s.document, { viewColumn: s.viewColumn, preview: false });
    return true;
  }

  /** Stops a streaming edit; nothing is applied. */
  async cancel(): Promise<boolean> {
    const s = this.session;
    if (!s) return false;
    if (s.state === 'streaming') s.abort?.abort();
    await this.end(s, 'cancelled');
    return true;
  }

  /** Asks again with the same request, into the same diff. */
  async retry(): Promise<EditOutcome | undefined> {
    const s = this.session;
    if (!s || s.state === 'ended') return undefined;
    if (s.proposed) {
      void vscode.window.showInformationMessage(
        'This change came from the chat, so there is nothing to ask again: Accept or Reject it.',
      );
      return undefined;
    }
    s.abort?.abort();
    s.generation++;
    s.candidates = [];
    s.current = 0;
    s.state = 'streaming';
    await this.setContext(s);
    this.scheduleRefresh(s);
    return this.run(s);
  }

  /** Shows the next (+1) or previous (−1) alternative. */
  step(delta: number): number | undefined {
    const s = this.session;
    if (!s || s.candidates.length < 2) return undefined;
    s.current = (s.current + delta + s.candidates.length) % s.candidates.length;
    this.scheduleRefresh(s, true);
    return s.current;
  }

  /** Opens the diff again (after it was closed). */
  async showDiff(): Promise<void> {
    if (this.session) await this.openDiff(this.session);
  }

  override dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.session?.abort?.abort();
    this.session = undefined;
    void this.setContext(undefined);
    super.dispose();
  }

  private async run(s: EditSession): Promise<EditOutcome> {
    const generation = s.generation;
    const current = (): boolean => this.session === s && s.generation === generation && s.state !== 'ended';
    const client = await this.service.client();
    if (!current()) return { state: 'cancelled', candidates: 0 };
    if (!client) {
      await this.end(s, 'failed');
      return { state: 'failed', candidates: 0 };
    }
    const abort = new AbortController();
    s.abort = abort;
    let truncated = false;
    // A stream that Retry replaced is over for whoever waited on it.
    this.settle({ state: 'cancelled', candidates: 0 });
    const outcome = new Promise<EditOutcome>((resolve) => (this.outcomeWaiter = resolve));
    const streamed = vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Arcee: ${s.title} ${vscode.workspace.asRelativePath(s.document.uri)}`,
        cancellable: true,
      },
      async (progress, token) => {
        this.progress = progress;
        const link = signalFromToken(token);
        const onCancel = (): void => abort.abort();
        link.signal.addEventListener('abort', onCancel);
        try {
          for await (const ev of client.streamChat(s.request, { signal: abort.signal })) {
            if (!current()) return;
            switch (ev.type) {
              case 'text':
                this.candidateAt(s, ev.index).raw += ev.text;
                this.scheduleRefresh(s);
                break;
              case 'textWasReasoning': {
                const c = this.candidateAt(s, ev.index);
                c.raw = c.raw.startsWith(ev.text) ? c.raw.slice(ev.text.length) : '';
                break;
              }
              case 'reasoning':
                progress.report({ message: 'thinking…' });
                break;
              case 'finish':
                this.candidateAt(s, ev.index).finish = ev.reason;
                break;
              case 'done':
                this.takeResult(s, ev.result, false);
                break;
              default:
                break;
            }
          }
        } catch (e) {
          if (!current()) return;
          if (isArceeError(e) && e.kind !== 'cancelled' && e.partial?.choices.some((c) => c.content.trim())) {
            // A cut stream (or a failure after part of the answer): keep what arrived for review, never apply it.
            this.service.log.warn(`edit: ${e.kind}: ${e.message}`);
            this.takeResult(s, e.partial, true);
            truncated = true;
          } else if (isArceeError(e) && e.kind === 'cancelled') {
            await this.end(s, 'cancelled');
            return;
          } else {
            await this.end(s, 'failed');
            void showError(this.service.log, e, s.restart);
            return;
          }
        } finally {
          this.progress = undefined;
          link.signal.removeEventListener('abort', onCancel);
          link.dispose();
        }
        if (!current()) return;
        if (
          s.candidates.length === 0 ||
          s.candidates.every((c) => extractCode(c.raw).code.trim() === '' && c.raw.trim() === '')
        ) {
          await this.end(s, 'empty', "Arcee's answer had no code; nothing was changed.");
          return;
        }
        truncated ||= s.candidates.some((c) => c.truncated);
        s.state = 'review';
        await this.setContext(s);
        this.scheduleRefresh(s, true);
        this.settle({ state: truncated ? 'truncated' : 'review', candidates: s.candidates.length });
        if (truncated) void this.offerTruncated(s);
      },
    );
    // An ended session was settled by end(); this covers a stream that returned early for any other reason.
    void streamed.then(() => {
      if (s.state !== 'ended')
        this.settle({ state: s.state === 'review' ? 'review' : 'cancelled', candidates: s.candidates.length });
    });
    return outcome;
  }

  private settle(o: EditOutcome): void {
    const w = this.outcomeWaiter;
    this.outcomeWaiter = undefined;
    w?.(o);
  }

  private candidateAt(s: EditSession, index: number): Candidate {
    for (let i = s.candidates.length; i <= index; i++) s.candidates.push({ raw: '', finish: null, truncated: false });
    return s.candidates[index];
  }

  /** The assembled answer replaces what was streamed (it is the same text, with reasoning split off). */
  private takeResult(s: EditSession, result: ChatResult, cut: boolean): void {
    for (const choice of result.choices) {
      const c = this.candidateAt(s, choice.index);
      c.raw = choice.content;
      c.finish = choice.finish_reason;
      c.truncated = cut || choice.finish_reason === 'length';
    }
    s.candidates = s.candidates.filter((c) => c.raw.trim() !== '' || c.truncated);
    if (s.current >= s.candidates.length) s.current = 0;
  }

  private async offerTruncated(s: EditSession): Promise<void> {
    const which = s.candidates.length > 1 ? 'One of the answers' : "Arcee's answer";
    const pick = await vscode.window.showWarningMessage(
      `${which} was cut off before the end (max tokens reached or the stream ended early), so it was not applied. Review it in the diff, apply what arrived, or retry.`,
      'Apply What Arrived',
      'Retry',
      'Discard',
    );
    if (this.session !== s || s.state !== 'review') return;
    if (pick === 'Apply What Arrived') await this.accept();
    else if (pick === 'Retry') await this.retry();
    else if (pick === 'Discard') await this.reject();
  }

  private onDocumentChange(e: vscode.TextDocumentChangeEvent): void {
    const s = this.session;
    if (!s || e.document !== s.document || e.contentChanges.length === 0 || s.state === 'ended') return;
    const touched = s.tracked.apply(
      e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })),
    );
    if (touched) {
      void this.end(
        s,
        'conflict',
        'You changed the code Arcee was editing, so the edit was stopped. Your text is kept; run the command again to edit it.',
      );
      return;
    }
    this.scheduleRefresh(s, true);
  }

  /** Ends a session: stops its stream, closes its diff, clears the editor's marks; says why when told. */
  private async end(s: EditSession, why: EditOutcomeState, message?: string): Promise<void> {
    if (s.state === 'ended') return;
    s.state = 'ended';
    s.abort?.abort();
    if (this.session === s) this.session = undefined;
    this.content.remove(s);
    this.marks.update();
    await this.setContext(this.session);
    if (message)
      void (why === 'conflict' || why === 'closed'
        ? vscode.window.showWarningMessage(message)
        : vscode.window.showInformationMessage(message));
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter(
        (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === s.proposedUri.toString(),
      );
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
    this.settle({ state: why, candidates: s.candidates.length });
  }

  private async openDiff(s: EditSession): Promise<void> {
    const name = s.proposedUri.path.split('/').pop();
    const [left, right] = await Promise.all([
      vscode.workspace.openTextDocument(s.originalUri),
      vscode.workspace.openTextDocument(s.proposedUri),
    ]);
    // Untitled files have no extension to take the language from.
    if (left.languageId !== s.document.languageId)
      await vscode.languages.setTextDocumentLanguage(left, s.document.languageId);
    if (right.languageId !== s.document.languageId)
      await vscode.languages.setTextDocumentLanguage(right, s.document.languageId);
    await vscode.commands.executeCommand('vscode.diff', s.originalUri, s.proposedUri, `${name} ↔ Arcee: ${s.title}`, {
      preview: false,
      viewColumn: s.viewColumn,
    });
  }

  private scheduleRefresh(s: EditSession, now = false): void {
    const fire = (): void => {
      this.refreshTimer = undefined;
      if (this.session !== s) return;
      this.content.refresh(s);
      if (s.state === 'streaming')
        this.progress?.report({
          message: `${s.replacement().split('\n').length} lines${s.position() ? ` (${s.position()})` : ''}`,
        });
      this.marks.update();
    };
    if (now) {
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
      fire();
    } else {
      this.refreshTimer ??= setTimeout(fire, REFRESH_MS);
    }
  }

  private async setContext(s: EditSession | undefined): Promise<void> {
    await Promise.all([
      vscode.commands.executeCommand('setContext', 'arcee.inlineEditActive', !!s),
      vscode.commands.executeCommand('setContext', 'arcee.inlineEditStreaming', s?.state === 'streaming'),
      vscode.commands.executeCommand(
        'setContext',
        'arcee.inlineEditHasAlternatives',
        (s?.candidates.length ?? 0) > 1 || (s?.request.n ?? 1) > 1,
      ),
    ]);
  }
}
