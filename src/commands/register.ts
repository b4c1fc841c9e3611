/**
 * The commands, registered at activation as they always were; the code behind them (the modules beside this one)
 * loads on the first call, with the rest of the feature code (lazy.ts). Only the status bar item and the code
 * actions, which VS Code shows or asks for from the start, are made here.
 */
import vscode = require('vscode');
import type { ConversationStore } from '../chat/store';
import { EditContentProvider } from '../edit/content';
import { EDIT_SCHEME } from '../ids';
import { features, registerCommandsLazily, type Lazy } from '../lazy';
import type { ArceeService } from '../services/arceeService';
import type { ChatViews } from '../webview/chatViews';
import type { ModelStatus } from './modelStatus';
import { registerSelectionCodeActions } from './selectionCodeActions';

/** `Arcee: Set API Key` and `Arcee: Clear API Key` (apiKey.ts). */
export function registerApiKeyCommands(service: ArceeService): vscode.Disposable {
  return registerCommandsLazily(['arcee.setApiKey', 'arcee.clearApiKey'], () => features().apiKeyCommands(service));
}

/** `Arcee: Select Model` (models.ts), behind the model's status bar item (ModelStatus). */
export function registerModelCommands(service: ArceeService, status: ModelStatus): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommandsLazily(['arcee.selectModel'], () => features().modelCommands(service)),
    service.onDidChange(() => status.render()),
  );
}

/**
 * `Arcee: Set Server URL…` and `Arcee: Test Connection` (connection.ts), `Arcee: Show Log`, and `Arcee: Choose
 * Server for This Workspace…` (ArceeService).
 */
export function registerConnectionCommands(service: ArceeService): vscode.Disposable {
  return vscode.Disposable.from(
    registerCommandsLazily(['arcee.setBaseUrl', 'arcee.testConnection'], () => features().connectionCommands(service)),
    vscode.commands.registerCommand('arcee.showLog', () => service.log.show()),
    vscode.commands.registerCommand('arcee.chooseWorkspaceServer', () => service.chooseWorkspaceServer()),
  );
}

/** Open Chat, Open Chat in Editor, New Chat, Add Selection to Chat, Export Chat as Markdown (chat.ts). */
export function registerChatCommands(chat: ChatViews, store: Lazy<ConversationStore>): vscode.Disposable {
  return registerCommandsLazily(
    ['arcee.openChat', 'arcee.openChatInEditor', 'arcee.newChat', 'arcee.addSelectionToChat', 'arcee.exportChat'],
    () => features().chatCommands(chat.get(), store.get()),
  );
}

/** The selection commands, the inline edit's own and the chat's Apply (selection.ts), and the lightbulb's actions. */
export function registerSelectionCommands(service: ArceeService, chat: ChatViews): vscode.Disposable {
  // Both sides of an inline edit's diff; served from the start, as before, although only an edit fills them.
  const content = new EditContentProvider();
  return vscode.Disposable.from(
    content,
    vscode.workspace.registerTextDocumentContentProvider(EDIT_SCHEME, content),
    registerSelectionCodeActions(),
    registerCommandsLazily(
      [
        'arcee.explainSelection',
        'arcee.askAboutSelection',
        'arcee.editSelection',
        'arcee.fixSelection',
        'arcee.addDocsToSelection',
        'arcee.writeTestsForSelection',
        'arcee.inlineEdit.accept',
        'arcee.inlineEdit.reject',
        'arcee.inlineEdit.cancel',
        'arcee.inlineEdit.retry',
        'arcee.inlineEdit.next',
        'arcee.inlineEdit.previous',
        'arcee.inlineEdit.showDiff',
        'arcee.applyCode',
      ],
      () => features().selectionCommands(service, () => chat.get(), content),
    ),
  );
}
