import vscode = require('vscode');
import type { ConversationStore } from './chat/store';
import {
  registerApiKeyCommands,
  registerChatCommands,
  registerConnectionCommands,
  registerModelCommands,
  registerSelectionCommands,
} from './commands/register';
import { ModelStatus } from './commands/modelStatus';
import { GhostText } from './ghostText/register';
import { features, Lazy } from './lazy';
import { vsCodeChatAvailable } from './lm/chatAvailable';
import { registerChatIntegration } from './lm/chatIntegration';
import { registerLanguageModelProvider } from './lm/register';
import { registerChatParticipant, type ArceeParticipant } from './participant/participant';
import { ArceeService } from './services/arceeService';
import { KeyStore } from './services/keyStore';
import { Log } from './services/log';
import { importStartKey } from './services/startKey';
import { GettingStarted } from './walkthrough/gettingStarted';
import { ChatViews } from './webview/chatViews';

/** What `activate` returns: the participant, so extension-host tests can call its handler directly. */
export interface ArceeExtensionApi {
  participant: ArceeParticipant;
}

/**
 * Creates the few shared objects and registers each feature. No logic lives here. What a feature does when used
 * (and the conversations it keeps) loads on its first use: see lazy.ts.
 */
export function activate(context: vscode.ExtensionContext): ArceeExtensionApi {
  const log = new Log(vscode.window.createOutputChannel('Arcee', { log: true }));
  const keys = new KeyStore(context.secrets);
  // The client (with the stream parser) is loaded with the features, on the first request.
  const service = new ArceeService(
    keys,
    log,
    context.globalState,
    (config) => new (features().ArceeClient)(config),
    context.workspaceState,
  );
  // 1.x's one key moves to the origin of the user's own server, then npm start's key is stored for it; reads wait.
  const keyImported = keys
    .migrateLegacyKey(service.userKeyOrigin)
    .then(
      (moved) => moved && log.info('The API key of Arcee 1.x is now bound to the server it was entered for.'),
      (e: unknown) => log.warn(`The 1.x API key was not moved: ${e instanceof Error ? e.message : String(e)}`),
    )
    .then(() => importStartKey(keys, service.userKeyOrigin, log))
    .catch((e: unknown) =>
      log.warn(`ARCEE_API_KEY from npm start was not stored: ${e instanceof Error ? e.message : String(e)}`),
    );
  keys.holdReadsUntil(keyImported);
  const store = new Lazy<ConversationStore>(() => {
    const { ConversationStore, storeFilesAt } = features();
    return new ConversationStore(storeFilesAt(vscode.Uri.joinPath(context.globalStorageUri, 'conversations')));
  });
  const chat = new ChatViews(context.extensionUri, service, store, context.workspaceState);
  const participant = registerChatParticipant(context.extensionUri, service);
  const modelStatus = new ModelStatus(service);
  const vscodeChat = registerChatIntegration(service, context.globalState, modelStatus);
  const gettingStarted = new GettingStarted(service, context.globalState);
  void keyImported.then(() => gettingStarted.openOnce(context.extensionMode));
  void vscode.commands.executeCommand('setContext', 'arcee.vscodeChat', vsCodeChatAvailable());
  context.subscriptions.push(
    log,
    keys,
    service,
    chat,
    registerApiKeyCommands(service),
    modelStatus,
    registerModelCommands(service, modelStatus),
    registerConnectionCommands(service),
    registerChatCommands(chat, store),
    registerSelectionCommands(service, chat),
    vscodeChat.disposable,
    registerLanguageModelProvider(service, vscodeChat.hooks),
    participant,
    gettingStarted,
    new GhostText(service),
  );
  return { participant };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
