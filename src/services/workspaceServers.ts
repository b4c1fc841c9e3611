import vscode = require('vscode');
import { originHost } from '../providers/origin';
import type { WorkspaceServerDecision } from '../config/trust';
import { Disposable } from './dispose';
import type { Log } from './log';

const DECISIONS_KEY = 'arcee.workspaceServers';

export const USE_IT = 'Use It';
export const KEEP_MINE = 'Keep My Server';

/**
 * The user's answers about servers a workspace's settings name (`arcee.baseUrl` in `.vscode/settings.json` on
 * another origin than the user's own). Asked once per workspace and origin, in a modal; remembered in the
 * workspace's state, which a repository cannot write. Until the answer, requests go to the user's server.
 */
export class WorkspaceServers extends Disposable {
  private readonly decided = this._register(
    new vscode.EventEmitter<{ origin: string; decision: WorkspaceServerDecision }>(),
  );
  /** The user answered (the settings should be read again). */
  readonly onDidDecide = this.decided.event;
  /** Origins asked about in this window: a dismissed question is asked again in the next window, not sooner. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: Log,
  ) {
    super();
  }

  decision(origin: string): WorkspaceServerDecision | undefined {
    const d = this.state.get<Record<string, unknown>>(DECISIONS_KEY)?.[origin];
    return d === 'use' || d === 'keep' ? d : undefined;
  }

  /**
   * Keeps the answer for this workspace. It applies at once (the memento holds the new value as soon as `update`
   * is called): the next request, typed right after the modal closes, must not wait for the write to finish.
   */
  remember(origin: string, decision: WorkspaceServerDecision | undefined): Promise<void> {
    const all = { ...(this.state.get<Record<string, WorkspaceServerDecision>>(DECISIONS_KEY) ?? {}) };
    if (decision) all[origin] = decision;
    else delete all[origin];
    const saved = this.state.update(DECISIONS_KEY, all);
    if (decision) this.decided.fire({ origin, decision });
    return Promise.resolve(saved);
  }

  /**
   * Asks whether to send requests to the workspace's server, unless this window already asked (`again`: the user
   * asked to choose again). Does not wait for the answer: nothing goes to that server until the user says "Use It".
   */
  ask(origin: string, workspaceBaseUrl: string, userBaseUrl: string, options: { again?: boolean } = {}): void {
    if (this.asked.has(origin) && !options.again) return;
    this.asked.add(origin);
    this.log.info(`The workspace settings name another server (${origin}); asking before any request goes there.`);
    void vscode.window
      .showWarningMessage(
        `This workspace's settings send Arcee requests to ${originHost(origin)}. Use that server?`,
        {
          modal: true,
          detail:
            `arcee.baseUrl in the workspace settings (.vscode/settings.json) is ${workspaceBaseUrl}; ` +
            `your own is ${userBaseUrl}.\n\n` +
            `With "${USE_IT}", your questions and code go to ${originHost(origin)}. ` +
            `Your API key for ${originHost(userBaseUrl)} is never sent there: that server gets its own key if it needs one.\n\n` +
            `With "${KEEP_MINE}", everything stays on your server. Until you answer, it does.`,
        },
        USE_IT,
        KEEP_MINE,
      )
      .then(async (pick) => {
        const decision: WorkspaceServerDecision | undefined =
          pick === USE_IT ? 'use' : pick === KEEP_MINE ? 'keep' : undefined;
        this.log.info(
          decision
            ? `Workspace server ${origin}: ${decision === 'use' ? 'used, as the user chose' : 'not used; the user keeps their own server'}.`
            : `Workspace server ${origin}: no answer; requests stay on the user's server.`,
        );
        if (decision) await this.remember(origin, decision);
      })
      .then(undefined, (e: unknown) =>
        this.log.warn(`Asking about the workspace's server failed: ${e instanceof Error ? e.message : String(e)}`),
      );
  }
}
