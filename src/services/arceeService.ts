import vscode = require('vscode');
import { buildRequest, needsKey, readSettings, type Settings } from '../config/settings';
import type { ChatMessage, ChatRequest, ModelInfo } from '../providers/api';
import type { ArceeClient, ClientConfig } from '../providers/client';
import { ModelCatalog, type CatalogResult } from '../providers/models';
import { resolveEndpoints } from '../providers/url';
import type { Milestone } from '../walkthrough/milestones';
import { Disposable } from './dispose';
import type { KeyStore } from './keyStore';
import type { Log } from './log';

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
  ) {
    super();
    this.current = this.readSettings();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('arcee')) return;
        const before = this.current.baseUrl;
        this.current = this.readSettings();
        if (before !== this.current.baseUrl) this.catalog = undefined;
        this.changed.fire();
      }),
    );
    this._register(
      keys.onDidChange(() => {
        this.log.info('API key changed (in this or another window)');
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

  private readSettings(): Settings {
    const config = vscode.workspace.getConfiguration('arcee');
    const { settings, problems } = readSettings((k) => config.get(k));
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

  private async refreshLogSecrets(): Promise<void> {
    try {
      this.log.setSecrets([await this.keys.get()]);
    } catch {
      // A missing keyring is reported where a key is needed.
    }
  }

  /**
   * A client for the configured server. Asks for the key on first use when the server needs one; returns
   * undefined when the user dismisses that prompt.
   */
  async client(options: { askForKey?: boolean; maxAttempts?: number } = {}): Promise<ArceeClient | undefined> {
    let key = await this.keys.get();
    if (!key && needsKey(this.current.baseUrl) && options.askForKey !== false) {
      const set = await vscode.commands.executeCommand<boolean>('arcee.setApiKey');
      if (!set) return undefined;
      key = await this.keys.get();
      if (!key) return undefined;
    }
    this.log.setSecrets([key]);
    const s = this.current;
    return this.makeClient({
      baseUrl: s.baseUrl,
      apiKey: key ?? '',
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

  /** Writes `arcee.<key>` where the user keeps it: the workspace folder or workspace if set there, else user settings. */
  async updateSetting(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('arcee');
    const inspect = config.inspect(key);
    const target =
      inspect?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspect?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
    this.current = this.readSettings();
  }
}
