import vscode = require('vscode');
import { ConversationStore } from './chat/store';
import { registerApiKeyCommands } from './commands/apiKey';
import { registerChatCommands } from './commands/chat';
import { registerConnectionCommands } from './commands/connection';
import { registerModelCommands } from './commands/models';
import { registerSelectionCommands } from './commands/selection';
import { registerChatIntegration, vsCodeChatAvailable } from './lm/chatIntegration';
import { registerLanguageModelProvider } from './lm/register';
import { registerChatParticipant, type ArceeParticipant } from './participant/participant';
import { ArceeService } from './services/arceeService';
import { KeyStore } from './services/keyStore';
import { Log } from './services/log';
import { storeFilesAt } from './services/storeFiles';
import { ChatSurfaces } from './webview/chatHost';

/** What `activate` returns: the participant, so extension-host tests can call its handler directly. */
export interface ArceeExtensionApi {
  participant: ArceeParticipant;
}

/** Creates the few shared objects and registers each feature. No logic lives here. */
export function activate(context: vscode.ExtensionContext): ArceeExtensionApi {
  const log = new Log(vscode.window.createOutputChannel('Arcee', { log: true }));
  const keys = new KeyStore(context.secrets);
  const service = new ArceeService(keys, log, context.globalState);
  const store = new ConversationStore(storeFilesAt(vscode.Uri.joinPath(context.globalStorageUri, 'conversations')));
  const surfaces = new ChatSurfaces(context.extensionUri, service, store, context.workspaceState);
  const participant = registerChatParticipant(context.extensionUri, service);
  const chat = registerChatIntegration(service, context.globalState);
  void vscode.commands.executeCommand('setContext', 'arcee.vscodeChat', vsCodeChatAvailable());
  context.subscriptions.push(
    log,
    keys,
    service,
    surfaces,
    registerApiKeyCommands(service),
    registerModelCommands(service),
    registerConnectionCommands(service),
    registerChatCommands(surfaces, store),
    registerSelectionCommands(service, surfaces),
    chat.disposable,
    registerLanguageModelProvider(service, chat.hooks),
    participant,
  );
  return { participant };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
