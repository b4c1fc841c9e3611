/**
 * Ghost-text completions (issue 11), the part activation needs: the status-bar item (on / off / paused, a click
 * toggles), the commands, and the inline-completion provider, registered only while `arcee.completions.enabled`
 * is on, so that VS Code does not call us at all when they are off. The provider's code (and the engine behind
 * it) loads with the feature code on its first call.
 */
import vscode = require('vscode');
import type { Pause } from '../completions/engine';
import { ARCEE_ACCOUNT_URL, COMPLETIONS_COMMANDS } from '../ids';
import { features } from '../lazy';
import type { ArceeService } from '../services/arceeService';
import type { GhostTextProvider } from './provider';

/** Documents that get ghost text: files on disk or remote, unsaved files and notebook cells (not output, logs or diffs). */
const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file' },
  { scheme: 'untitled' },
  { scheme: 'vscode-remote' },
  { scheme: 'vscode-notebook-cell' },
];

export class GhostText implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem('arcee.completions', vscode.StatusBarAlignment.Right, 99);
  private registration: vscode.Disposable | undefined;
  private provider: GhostTextProvider | undefined;
  private pause: Pause | undefined;
  private resumeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly service: ArceeService) {
    this.status.name = 'Arcee Completions';
    this.disposables.push(
      this.status,
      vscode.commands.registerCommand(COMPLETIONS_COMMANDS.toggle, () => this.clicked()),
      vscode.commands.registerCommand(COMPLETIONS_COMMANDS.enable, () => this.setEnabled(true)),
      vscode.commands.registerCommand(COMPLETIONS_COMMANDS.disable, () => this.setEnabled(false)),
      vscode.commands.registerCommand(COMPLETIONS_COMMANDS.accepted, () => this.provider?.accepted()),
      service.onDidChange(() => this.update()),
    );
    this.update();
  }

  private get enabled(): boolean {
    return this.service.settings.completions.enabled;
  }

  /** Registers or drops the provider to match the setting, and redraws the status bar. */
  private update(): void {
    if (this.enabled && !this.registration) {
      const shim: vscode.InlineCompletionItemProvider = {
        provideInlineCompletionItems: (document, position, context, token) =>
          this.ensureProvider().provideInlineCompletionItems(document, position, context, token),
      };
      this.registration = vscode.languages.registerInlineCompletionItemProvider(SELECTOR, shim);
    } else if (!this.enabled && this.registration) {
      this.registration.dispose();
      this.registration = undefined;
    }
    // A fixed key, server or model may have fixed what paused completions; turning them off and on resumes too.
    this.provider?.settingsChanged();
    if (!this.enabled) this.setPause(undefined);
    this.draw();
  }

  private ensureProvider(): GhostTextProvider {
    return (this.provider ??= new (features().GhostTextProvider)(this.service, (p) => this.setPause(p)));
  }

  private setPause(pause: Pause | undefined): void {
    this.pause = pause;
    clearTimeout(this.resumeTimer);
    if (pause?.until !== undefined) {
      this.resumeTimer = setTimeout(() => this.provider?.resume(), Math.max(0, pause.until - Date.now()) + 50);
    }
    this.draw();
  }

  private draw(): void {
    const s = this.status;
    s.command = COMPLETIONS_COMMANDS.toggle;
    s.backgroundColor = undefined;
    if (!this.enabled) {
      s.text = '$(circle-slash) Completions';
      s.tooltip =
        'Arcee ghost-text completions are off. Click to turn them on (each pause in typing then sends the code around the cursor).';
    } else if (this.pause) {
      s.text = '$(warning) Completions paused';
      s.tooltip = `Arcee completions paused: ${this.pause.message} Click to fix or resume.`;
      s.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      s.text = '$(check) Completions';
      s.tooltip = `Arcee ghost-text completions are on (${this.service.settings.completions.model}). Click to turn them off.`;
    }
    s.show();
  }

  private async clicked(): Promise<void> {
    if (!this.pause || !this.enabled) return this.setEnabled(!this.enabled);
    const fix =
      this.pause.kind === 'auth'
        ? { label: '$(key) Set API Key…', run: () => vscode.commands.executeCommand('arcee.setApiKey') }
        : this.pause.kind === 'payment'
          ? {
              label: '$(link-external) Add Credits…',
              run: () => vscode.env.openExternal(vscode.Uri.parse(ARCEE_ACCOUNT_URL)),
            }
          : this.pause.kind === 'not_found'
            ? {
                label: '$(settings-gear) Choose the Completions Model…',
                run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'arcee.completions.model'),
              }
            : { label: '$(clock) Wait for the Rate Limit', run: () => undefined };
    const items = [
      fix,
      { label: '$(debug-continue) Resume Now', run: () => this.provider?.resume() },
      { label: '$(circle-slash) Turn Completions Off', run: () => this.setEnabled(false) },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Arcee completions are paused',
      placeHolder: this.pause.message,
    });
    await pick?.run();
  }

  private async setEnabled(on: boolean): Promise<void> {
    await this.service.updateSetting('completions.enabled', on);
    if (on) this.service.reached('completionsOn');
  }

  dispose(): void {
    clearTimeout(this.resumeTimer);
    this.registration?.dispose();
    this.provider?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
