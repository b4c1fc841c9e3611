import vscode = require('vscode');
import { CHAT_WITHOUT_SIGN_IN, versionAtLeast } from './chatChoice';

/** True when this VS Code has a Chat view that runs on our models without a sign-in, and AI features are on. */
export function vsCodeChatAvailable(): boolean {
  return (
    versionAtLeast(vscode.version, CHAT_WITHOUT_SIGN_IN) &&
    vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures') !== true
  );
}
