import vscode = require('vscode');
import { keyOrigin, originHost } from '../providers/origin';
import { buildRequest, needsKey, readSettings, type Settings } from '../config/settings';
import { chooseBaseUrl, settingValue, USER_ONLY_SETTINGS, type BaseUrlChoice } from '../config/trust';
import type { ChatMessage, ChatRequest, ModelInfo } from '../providers/api';
import type { ArceeClient, ClientConfig } from '../providers/client';
import { isArceeError } from '../providers/errors';
import { ModelCatalog, type CatalogResult } from '../providers/models';
import { resolveEndpoints } from '../providers/url';
import type { Milestone } from '../walkthrough/milestones';
import { Disposable } from './dispose';
import type { KeyStore } from './keyStore';
import type { Log } from './log';
import { WorkspaceServers } from './workspaceServers';

const MODELS_CACHE_KEY = 'arcee.modelsCache';

/**
 * Makes the client for a configuration. Handed in by activation (the top layer, which owns the lazy loading), so
 * this service, which every feature uses, does not reach up into the feature code for the client class.
 */
export type ClientFactory = (config: ClientConfig) => ArceeClient;

interface PersistedModels {
  root: string;
  at: number;
  models: ModelInfo[];
}

/**
 * The extension's one link to the model side: current settings, the key, a client built from both, and the
 * model catalogue of the configured server. Rebuilt when settings or the key change.
 */
export class ArceeService extends Disposable {
  private current: Settings;
  private choice!: BaseUrlChoice;
  /** The workspace settings this window has already logged as ignored (one line each). */
  private readonly loggedIgnored = new Set<string>();
  readonly workspaceServers: WorkspaceServers;
  private catalog: ModelCatalog | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Settings, key or server changed: model lists and clients should be refreshed. */
  readonly onDidChange = this.changed.event;
  private readonly milestones = this._register(new vscode.EventEmitter<Milestone>());
  /** Something a new user does for the first time happened (the getting-started walkthrough follows these). */
  readonly onMilestone = this.milestones.event;
  private lastProblems = '';

  constructor(
    readonly keys: KeyStore,
    readonly log: Log,
    private readonly state: vscode.Memento,
    private readonly makeClient: ClientFactory,
    workspaceState: vscode.Memento,
  ) {
    super();
    this.workspaceServers = this._register(new WorkspaceServers(workspaceState, log));
    this.current = this.readSettings();
    const reread = (): void => {
      const before = this.current.baseUrl;
      this.current = this.readSettings();
      if (before !== this.current.baseUrl) {
        this.catalog = undefined;
        void this.refreshLogSecrets();
      }
      this.changed.fire();
    };
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('arcee')) reread();
      }),
    );
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(reread));
    this._register(
      this.workspaceServers.onDidDecide(({ origin, decision }) => {
        reread();
        if (decision === 'use') void this.askKeyForWorkspaceServer(origin);
      }),
    );
    this._register(
      keys.onDidChange((origin) => {
        this.log.info(`API key for ${originHost(origin)} changed (in this or another window)`);
        if (origin !== this.keyOrigin && origin !== this.userKeyOrigin) return;
        this.catalog = undefined;
        void this.refreshLogSecrets();
        this.changed.fire();
      }),
    );
    void this.refreshLogSecrets();
  }

  get settings(): Settings {
    return this.current;
  }

  /** The origin the current server's key is bound to (scheme, host and port of the base URL in use). */
  get keyOrigin(): string {
    return keyOrigin(this.current.baseUrl);
  }

  /** The origin of the user's own base URL (user settings, or the default): where a 1.x key belongs. */
  get userKeyOrigin(): string {
    try {
      return keyOrigin(this.choice.userBaseUrl);
    } catch {
      return this.keyOrigin;
    }
  }

  /** The key entered for the server in use, if any. */
  key(): Promise<string | undefined> {
    return this.keys.get(this.keyOrigin);
  }

  /**
   * `arcee.*` as this extension may use it: the user's settings always; the workspace's only in a trusted
   * workspace, never for the user-only settings (config/trust.ts), and for `arcee.baseUrl` on another server only
   * once the user said so (WorkspaceServers).
   */
  private readSettings(): Settings {
    const config = vscode.workspace.getConfiguration('arcee');
    const trusted = vscode.workspace.isTrusted;
    this.choice = chooseBaseUrl(config.inspect('baseUrl'), trusted, (o) => this.workspaceServers.decision(o));
    const get = (key: string): unknown => {
      if (key === 'baseUrl') return this.choice.baseUrl;
      const source = settingValue(key, config.inspect(key), config.get(key), trusted);
      if (source.ignored) this.logIgnored(key, source.ignored);
      return source.value;
    };
    const { settings, problems } = readSettings(get);
    const ws = this.choice.workspace;
    if (ws && !ws.decision) this.workspaceServers.ask(ws.origin, ws.baseUrl, this.choice.userBaseUrl);
    const text = problems.join('\n');
    if (text && text !== this.lastProblems) {
      for (const p of problems) this.log.warn(p);
      void vscode.window
        .showWarningMessage(
          problems.length === 1 ? problems[0] : `${problems.length} Arcee settings need attention: ${problems[0]} …`,
          'Open Settings',
          'Show Log',
        )
        .then((pick) => {
          if (pick === 'Open Settings')
            void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:arcee-community.arcee-vscode');
          else if (pick === 'Show Log') this.log.show();
        });
    }
    this.lastProblems = text;
    return settings;
  }

  private logIgnored(key: string, why: 'untrusted' | 'user-only'): void {
    if (this.loggedIgnored.has(key)) return;
    this.loggedIgnored.add(key);
    this.log.info(
      why === 'untrusted'
        ? `Ignored arcee.${key} from the workspace settings: the workspace is not trusted (Restricted Mode), so your user settings apply.`
        : `Ignored arcee.${key} from the workspace settings: only your user settings may set it (it widens what runs or where your data goes).`,
    );
  }

  private async refreshLogSecrets(): Promise<void> {
    try {
      this.log.setSecrets([await this.key(), await this.keys.get(this.userKeyOrigin)]);
    } catch {
      // A missing keyring is reported where a key is needed.
    }
  }

  /**
   * A client for the configured server. Asks for the key on first use when the server needs one; returns
   * undefined when the user dismisses that prompt.
   */
  async client(options: { askForKey?: boolean; maxAttempts?: number } = {}): Promise<ArceeClient | undefined> {
    const s = this.current;
    const origin = this.keyOrigin;
    let key = await this.keys.get(origin);
    if (!key && needsKey(s.baseUrl) && options.askForKey !== false) {
      const set = await vscode.commands.executeCommand<boolean>('arcee.setApiKey');
      if (!set) return undefined;
      key = await this.keys.get(origin);
      if (!key) return undefined;
    }
    this.log.setSecrets([key]);
    return this.makeClient({
      baseUrl: s.baseUrl,
      // Only the key entered for this server's origin, and the client sends it to no other (not on a redirect).
      apiKey: key ?? '',
      keyOrigin: origin,
      headers: s.extraHeaders,
      firstByteTimeoutMs: s.firstByteTimeoutMs,
      idleTimeoutMs: s.idleTimeoutMs,
      // The extension streams every chat request, so only these two limits can run out.
      timeoutNames: { firstByte: 'the arcee.firstByteTimeoutMs setting', idle: 'the arcee.idleTimeoutMs setting' },
      retry: { maxAttempts: options.maxAttempts ?? s.maxRetries + 1 },
      userAgent: `arcee-vscode/${vscode.version}`,
      logger: this.log,
    });
  }

  /**
   * After "Use It" for a workspace's server: when that server wants a key (Arcee's, or it answers 401 without
   * one) and none is stored for it, asks for one, saying which server it is for.
   */
  private async askKeyForWorkspaceServer(origin: string): Promise<void> {
    if (this.keyOrigin !== origin || (await this.keys.get(origin).catch(() => 'unreadable'))) return;
    let wantsKey = needsKey(this.current.baseUrl);
    if (!wantsKey) {
      try {
        const client = await this.client({ askForKey: false, maxAttempts: 1 });
        await client?.listModels({ signal: AbortSignal.timeout(15_000) });
      } catch (e) {
        wantsKey = isArceeError(e) && e.kind === 'auth';
      }
    }
    if (!wantsKey) return;
    this.log.info(`${originHost(origin)} wants an API key; asking for one for that server only.`);
    await vscode.commands.executeCommand('arcee.setApiKey', {
      reason: `${originHost(origin)}, the server this workspace's settings name, asks for an API key.`,
    });
  }

  /**
   * `Arcee: Choose Server for This Workspace…`: asks again about the server the workspace's settings name (to
   * change an earlier answer), or says that they name none.
   */
  chooseWorkspaceServer(): void {
    const ws = this.choice.workspace;
    if (ws) this.workspaceServers.ask(ws.origin, ws.baseUrl, this.choice.userBaseUrl, { again: true });
    else
      void vscode.window.showInformationMessage(
        `This workspace's settings name no other server; requests go to ${originHost(this.keyOrigin)}.`,
      );
  }

  /** Reports a milestone: a first answer in the chat, a selection command sent, VS Code's Chat answered. */
  reached(milestone: Milestone): void {
    this.milestones.fire(milestone);
  }

  /** A request with the settings' defaults for these messages. */
  request(messages: ChatMessage[], overrides: Partial<ChatRequest> = {}): ChatRequest {
    return buildRequest(this.current, messages, overrides);
  }

  /** The model list of the configured server: live, cached, or the built-in fallback. */
  async models(options: { signal: AbortSignal; refresh?: boolean; askForKey?: boolean }): Promise<CatalogResult> {
    const root = resolveEndpoints(this.current.baseUrl).root;
    if (!this.catalog) {
      const catalog = new ModelCatalog(async (signal) => {
        const client = await this.client({ askForKey: options.askForKey });
        if (!client) throw new Error('No API key set.');
        return client.listModels({ signal });
      });
      const persisted = this.state.get<PersistedModels>(MODELS_CACHE_KEY);
      if (persisted?.root === root) catalog.seed(persisted.models, persisted.at);
      this.catalog = catalog;
    }
    const result = await this.catalog.get(options);
    if (result.source === 'live') {
      await this.state.update(MODELS_CACHE_KEY, {
        root,
        at: result.fetchedAt ?? Date.now(),
        models: result.models,
      } satisfies PersistedModels);
    }
    if (result.error) this.log.warn(`Model list: ${result.error} (showing ${result.source} list)`);
    return result;
  }

  /** Writes `arcee.model` where the user keeps it (workspace if set there, else user settings). */
  async setModel(id: string): Promise<void> {
    await this.updateSetting('model', id);
  }

  /**
   * Writes `arcee.<key>` where the user keeps it: the workspace folder or workspace if set there (and the
   * workspace may set it), else user settings.
   */
  async updateSetting(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('arcee');
    const inspect = config.inspect(key);
    const target =
      USER_ONLY_SETTINGS.includes(key) || !vscode.workspace.isTrusted
        ? vscode.ConfigurationTarget.Global
        : inspect?.workspaceFolderValue !== undefined
          ? vscode.ConfigurationTarget.WorkspaceFolder
          : inspect?.workspaceValue !== undefined
            ? vscode.ConfigurationTarget.Workspace
            : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
    this.current = this.readSettings();
  }
}
