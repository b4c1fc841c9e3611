import vscode = require('vscode');
import type { ConversationStore } from '../chat/store';
import type { ArceeService } from '../services/arceeService';
import { CHAT_PANEL_TYPE, CHAT_VIEW_ID } from '../ids';
import { Disposable } from '../services/dispose';
import { ChatController } from './chatController';
import { chatCsp } from './csp';
import { parseWebviewMessage, type HostMessage } from './protocol';

const SIDEBAR_CONVERSATION = 'arcee.sidebarConversation';
const PANEL_CONVERSATION = 'arcee.panelConversation';

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

/** The chat page: its CSP (csp.ts) allows scripts only by nonce, styles and images from the extension; no eval, no inline handlers. */
export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: 'sidebar' | 'panel'): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css'));
  const csp = chatCsp(webview.cspSource, n);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<title>Arcee Chat</title>
</head>
<body data-surface="${surface}">
<div id="app"></div>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * Connects a webview to a controller: validated messages in, and messages out queued until the app says
 * `ready` (and again after each re-creation of the webview).
 */
class ChatConnection extends Disposable {
  private ready = false;
  private queue: HostMessage[] = [];
  readonly controller: ChatController;

  constructor(
    private readonly webview: vscode.Webview,
    service: ArceeService,
    store: ConversationStore,
    conversationId: string | undefined,
  ) {
    super();
    this.controller = this._register(new ChatController(service, store, (m) => this.post(m), conversationId));
    this._register(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          service.log.warn('chat: ignored a malformed message from the webview');
          return;
        }
        if (message.type === 'ready') this.flush();
        Promise.resolve(this.controller.handle(message)).catch((e: unknown) =>
          service.log.error(`chat: ${message.type} failed: ${e instanceof Error ? e.message : String(e)}`),
        );
      }),
    );
  }

  private post(m: HostMessage): void {
    if (!this.ready) {
      // The `state/init` sent on `ready` carries the conversation (with any streaming answer so far), models and
      // pending context; keep only what it cannot rebuild.
      if (m.type === 'notice' || m.type === 'input/focus') this.queue.push(m);
      return;
    }
    void this.webview.postMessage(m);
  }

  private flush(): void {
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    setTimeout(() => queued.forEach((m) => void this.webview.postMessage(m)), 0);
  }

  /** The webview was disposed and will be re-created (sidebar hidden with retainContextWhenHidden off). */
  markNotReady(): void {
    this.ready = false;
  }
}

/** The sidebar chat view and the editor chat panels, sharing one controller implementation (registered by chatViews.ts). */
export class ChatSurfaces extends Disposable implements vscode.WebviewViewProvider, vscode.WebviewPanelSerializer {
  private sidebar: { view: vscode.WebviewView; connection: ChatConnection } | undefined;
  private readonly panels = new Set<{ panel: vscode.WebviewPanel; connection: ChatConnection }>();
  private pendingSidebarContext: Parameters<ChatController['addContext']>[0][] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: ArceeService,
    private readonly store: ConversationStore,
    private readonly workspaceState: vscode.Memento,
  ) {
    super();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = chatHtml(view.webview, this.extensionUri, 'sidebar');
    const connection = new ChatConnection(
      view.webview,
      this.service,
      this.store,
      this.workspaceState.get<string>(SIDEBAR_CONVERSATION),
    );
    connection.controller.onDidChangeConversation((id) => void this.workspaceState.update(SIDEBAR_CONVERSATION, id));
    this.sidebar = { view, connection };
    // A hidden view's webview is destroyed (no retainContextWhenHidden); it says `ready` again when shown.
    view.onDidChangeVisibility(() => {
      if (!view.visible) connection.markNotReady();
    });
    for (const chip of this.pendingSidebarContext.splice(0)) connection.controller.addContext(chip);
    view.onDidDispose(() => {
      connection.dispose();
      if (this.sidebar?.view === view) this.sidebar = undefined;
    });
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.adoptPanel(panel, this.workspaceState.get<string>(PANEL_CONVERSATION));
    return Promise.resolve();
  }

  /** `Arcee: Open Chat in Editor`. */
  openPanel(): ChatController {
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, 'Arcee Chat', vscode.ViewColumn.Beside, {
      ...webviewOptions(this.extensionUri),
    });
    return this.adoptPanel(panel, undefined);
  }

  private adoptPanel(panel: vscode.WebviewPanel, conversationId: string | undefined): ChatController {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'arcee.svg');
    panel.webview.html = chatHtml(panel.webview, this.extensionUri, 'panel');
    const connection = new ChatConnection(panel.webview, this.service, this.store, conversationId);
    connection.controller.onDidChangeConversation((id) => void this.workspaceState.update(PANEL_CONVERSATION, id));
    panel.onDidChangeViewState(() => {
      if (!panel.visible) connection.markNotReady();
    });
    const entry = { panel, connection };
    this.panels.add(entry);
    panel.onDidDispose(() => {
      connection.dispose();
      this.panels.delete(entry);
    });
    return connection.controller;
  }

  /** The controller a command should talk to: the active panel, else the sidebar (revealed). */
  async target(prefer: 'sidebar' | 'panel' = 'sidebar'): Promise<ChatController | undefined> {
    if (prefer === 'panel') {
      const active = [...this.panels].find((p) => p.panel.active) ?? [...this.panels].at(-1);
      return active?.connection.controller ?? this.openPanel();
    }
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    return this.sidebar?.connection.controller;
  }

  /** Adds context to the sidebar chat, even before its view was first resolved. */
  async addContextToSidebar(chip: Parameters<ChatController['addContext']>[0]): Promise<void> {
    const c = await this.target('sidebar');
    if (c) c.addContext(chip);
    else this.pendingSidebarContext.push(chip);
  }

  override dispose(): void {
    this.sidebar?.connection.dispose();
    for (const p of this.panels) p.connection.dispose();
    super.dispose();
  }
}
