import vscode = require('vscode');
import { needsKey } from '../config/settings';
import type { ArceeService } from '../services/arceeService';
import { Disposable } from '../services/dispose';
import { shouldOpenWalkthrough, WALKTHROUGH_ID, type Milestone } from './milestones';

const REACHED_KEY = 'arcee.walkthrough.reached';
const OPENED_KEY = 'arcee.walkthrough.opened';
const OPEN_DELAY_MS = 6000;

/**
 * The getting-started walkthrough's side in the extension: sets its steps' context keys when their milestones
 * happen (remembered across sessions in global state), and opens it once, on the first start after install.
 */
export class GettingStarted extends Disposable {
  private readonly reached: Set<Milestone>;

  constructor(
    private readonly service: ArceeService,
    private readonly state: vscode.Memento,
  ) {
    super();
    this.reached = new Set(state.get<Milestone[]>(REACHED_KEY, []));
    for (const m of this.reached) this.setContext(m);
    this._register(service.onMilestone((m) => void this.reach(m)));
    this._register(service.onDidChange(() => void this.checkConnected()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('arcee.model')) void this.reach('modelChosen');
      }),
    );
    void this.checkConnected();
  }

  /**
   * Opens the walkthrough on the first start after install, and never again on its own. Skipped (and still
   * counted as that one time) in extension tests and when the profile already holds a key or a server URL:
   * such a user has set Arcee up before, e.g. through Settings Sync.
   */
  async openOnce(mode: vscode.ExtensionMode): Promise<boolean> {
    const opened = this.state.get<boolean>(OPENED_KEY) === true;
    if (!opened) await this.state.update(OPENED_KEY, true);
    const show = shouldOpenWalkthrough({
      opened,
      testing: mode === vscode.ExtensionMode.Test,
      serverConfigured:
        vscode.workspace.getConfiguration('arcee').inspect<string>('baseUrl')?.globalValue !== undefined,
      keyStored: !opened && (await this.hasKey()),
    });
    if (!show) return false;
    // VS Code lists an extension's walkthrough some seconds after the extension starts (up to 5 s while it waits
    // for its experiment service), and a first request can still show one of its own walkthroughs (seen on 1.104:
    // the page picks its category before its list is complete); a second request to the open page selects ours.
    // There is no signal for either, so: wait OPEN_DELAY_MS, ask, and ask again a second later. Someone already
    // typing in an editor gets it as a tab behind theirs.
    await new Promise((resolve) => setTimeout(resolve, OPEN_DELAY_MS));
    const inactive = vscode.window.activeTextEditor !== undefined;
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, {
      toSide: false,
      inactive,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, {
      toSide: false,
      inactive,
    });
    this.service.log.info('Getting started: opened the walkthrough (first start after install)');
    return true;
  }

  private async reach(m: Milestone): Promise<void> {
    this.setContext(m);
    if (this.reached.has(m)) return;
    this.reached.add(m);
    this.service.log.info(`Getting started: ${m}`);
    await this.state.update(REACHED_KEY, [...this.reached]);
  }

  /** A key is stored, or the server needs none (a local one). */
  private async checkConnected(): Promise<void> {
    if (!needsKey(this.service.settings.baseUrl) || (await this.hasKey())) await this.reach('connected');
  }

  private async hasKey(): Promise<boolean> {
    try {
      return Boolean(await this.service.key());
    } catch {
      return false; // No keyring: the key step stays open, and the key commands say why.
    }
  }

  private setContext(m: Milestone): void {
    void vscode.commands.executeCommand('setContext', `arcee.walkthrough.${m}`, true);
  }
}
