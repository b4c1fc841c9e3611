/**
 * The inline-completion provider: VS Code's view of the completion engine (src/completions/engine.ts). It turns
 * a document and a cursor into the engine's request, a cancellation token into an AbortSignal, and the engine's
 * suggestion into one InlineCompletionItem whose command counts the accept. It asks nothing while text is
 * selected or when `editor.inlineSuggest.enabled` is off; VS Code itself asks nothing during IME composition
 * (since 1.96, microsoft/vscode#233208).
 */
import vscode = require('vscode');
import type { ArceeService } from '../services/arceeService';
import { CompletionEngine, describeCounters, type ChatStreamer, type Pause } from '../completions/engine';
import { needsKey } from '../config/settings';
import { COMPLETIONS_COMMANDS } from '../ids';
import { ArceeError } from '../providers/errors';

const STATS_EVERY_MS = 60_000;

export class GhostTextProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  readonly engine: CompletionEngine;
  private streamer: Promise<ChatStreamer | undefined> | undefined;
  private readonly statsTimer: ReturnType<typeof setInterval>;
  private lastStats = '';

  constructor(
    private readonly service: ArceeService,
    onPause: (pause: Pause | undefined) => void,
  ) {
    this.engine = new CompletionEngine({
      stream: () => (this.streamer ??= this.makeStreamer()),
      settings: () => this.service.settings.completions,
      log: (line) => this.service.log.info(line),
      onPause,
    });
    this.statsTimer = setInterval(() => this.logStats(), STATS_EVERY_MS);
  }

  private async makeStreamer(): Promise<ChatStreamer | undefined> {
    // No prompt for a key while typing: a missing key pauses completions with one status-bar message instead.
    if (needsKey(this.service.settings.baseUrl) && !(await this.service.key())) {
      throw new ArceeError(
        'auth',
        'No Arcee API key is set. Run "Arcee: Set API Key", or set a local server with "Arcee: Set Server URL…".',
      );
    }
    // One attempt: a retried completion would arrive after the user typed on.
    const client = await this.service.client({ askForKey: false, maxAttempts: 1 });
    if (!client) return undefined;
    return (request, signal) => client.streamChat(request, { signal });
  }

  /** Key, server or settings changed: a new client, no stale suggestions, and a paused engine asks again. */
  settingsChanged(): void {
    this.streamer = undefined;
    this.engine.clearCache();
    this.engine.resume();
  }

  resume(): void {
    this.engine.resume();
  }

  accepted(): void {
    this.engine.accepted();
    this.service.log.debug('Completion accepted');
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = this.service.settings.completions;
    if (!settings.enabled || settings.disabledLanguages.includes(document.languageId)) return undefined;
    if (!vscode.workspace.getConfiguration('editor.inlineSuggest', document).get<boolean>('enabled', true))
      return undefined;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (editor && editor.selections.some((s) => !s.isEmpty)) return undefined;

    // With the suggest widget open, VS Code shows ghost text only when it extends the selected item: complete
    // after that item's text, and replace its range.
    const selected = context.selectedCompletionInfo;
    const start = selected ? selected.range.start : position;
    const lead = selected ? selected.text : '';
    const prefix = document.getText(new vscode.Range(new vscode.Position(0, 0), start)) + lead;
    const suffix = document.getText(
      new vscode.Range(selected ? selected.range.end : position, document.lineAt(document.lineCount - 1).range.end),
    );
    const options = editor?.options;
    const indent = {
      useTabs: options
        ? options.insertSpaces === false
        : !vscode.workspace.getConfiguration('editor', document).get<boolean>('insertSpaces', true),
      size:
        typeof options?.tabSize === 'number'
          ? options.tabSize
          : vscode.workspace.getConfiguration('editor', document).get<number>('tabSize', 4),
    };

    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const suggestion = await this.engine.complete(
        {
          document: document.uri.toString(),
          path: vscode.workspace.asRelativePath(document.uri),
          languageId: document.languageId,
          prefix,
          suffix,
          indent,
        },
        controller.signal,
      );
      if (!suggestion || token.isCancellationRequested) return undefined;
      const item = new vscode.InlineCompletionItem(
        lead + suggestion.text,
        selected ? selected.range : new vscode.Range(position, position),
        { command: COMPLETIONS_COMMANDS.accepted, title: 'Count the accepted completion' },
      );
      return [item];
    } finally {
      sub.dispose();
    }
  }

  /** One log line a minute, when something changed: what completions cost and what they served. */
  private logStats(): void {
    const line = describeCounters(this.engine.counters);
    if (line !== this.lastStats) this.service.log.info(line);
    this.lastStats = line;
  }

  dispose(): void {
    clearInterval(this.statsTimer);
    this.logStats();
  }
}
