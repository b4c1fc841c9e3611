import vscode = require('vscode');
import type { ConversationStore } from '../chat/store';
import { CHAT_PANEL_TYPE, CHAT_VIEW_ID } from '../ids';
import { features, Lazy } from '../lazy';
import type { ArceeService } from '../services/arceeService';
import { Disposable } from '../services/dispose';
import type { ChatSurfaces } from './chatHost';

/**
 * The sidebar chat view and the editor chat panels, registered at start-up so that VS Code can resolve and
 * restore them; the chat itself (chatHost.ts and its controller) loads when one is shown or a command needs it.
 */
export class ChatViews extends Disposable implements vscode.WebviewViewProvider, vscode.WebviewPanelSerializer {
  private readonly surfaces: Lazy<ChatSurfaces>;

  constructor(
    extensionUri: vscode.Uri,
    service: ArceeService,
    store: Lazy<ConversationStore>,
    workspaceState: vscode.Memento,
  ) {
    super();
    this.surfaces = this._register(
      new Lazy(() => new (features().ChatSurfaces)(extensionUri, service, store.get(), workspaceState)),
    );
    this._register(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, this));
    this._register(vscode.window.registerWebviewPanelSerializer(CHAT_PANEL_TYPE, this));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.surfaces.get().resolveWebviewView(view);
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    return this.surfaces.get().deserializeWebviewPanel(panel);
  }

  /** The chat surfaces (loaded on the first call). */
  get(): ChatSurfaces {
    return this.surfaces.get();
  }
}
