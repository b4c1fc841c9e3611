import vscode = require('vscode');
import { errorView } from '../chat/streamToView';
import { describeUnknownError, isArceeError } from '../providers/errors';
import type { ErrorAction } from '../webview/protocol';
import { KeyringError } from './keyStore';
import type { Log } from './log';

import { ARCEE_ACCOUNT_URL } from '../ids';

export { ARCEE_ACCOUNT_URL } from '../ids';

/** The button that carries out each fix, in a toast or a menu. */
export const ERROR_ACTION_LABELS: Readonly<Record<ErrorAction, string>> = {
  setApiKey: 'Set API Key',
  retry: 'Retry',
  openSettings: 'Open Settings',
  openBilling: 'Open Billing',
  showLog: 'Show Log',
  selectModel: 'Choose Model',
};

/** Carries out the button under an error, in a toast or in the chat. */
export async function runErrorAction(action: ErrorAction, log: Log, retry?: () => unknown): Promise<void> {
  switch (action) {
    case 'setApiKey':
      await vscode.commands.executeCommand('arcee.setApiKey');
      break;
    case 'retry':
      await retry?.();
      break;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:arcee-community.arcee-vscode');
      break;
    case 'openBilling':
      await vscode.env.openExternal(vscode.Uri.parse(ARCEE_ACCOUNT_URL));
      break;
    case 'showLog':
      log.show();
      break;
    case 'selectModel':
      await vscode.commands.executeCommand('arcee.selectModel');
      break;
  }
}

/**
 * Shows a failure as a toast with the actions that fix it (the same ones the chat shows), logs it, and never
 * shows raw HTML or `[object Object]`. A cancel is not an error and shows nothing.
 */
export async function showError(log: Log, err: unknown, retry?: () => unknown): Promise<void> {
  if (isArceeError(err) && err.kind === 'cancelled') return;
  const message = isArceeError(err) || err instanceof KeyringError ? err.message : describeUnknownError(err);
  log.error(isArceeError(err) ? `${err.kind}${err.status ? ` ${err.status}` : ''}: ${message}` : message);
  const actions = (err instanceof KeyringError ? ['showLog' as const] : errorView(err).actions).filter(
    (a) => a !== 'retry' || retry,
  );
  const pick = await vscode.window.showErrorMessage(message, ...actions.map((a) => ERROR_ACTION_LABELS[a]));
  const action = actions.find((a) => ERROR_ACTION_LABELS[a] === pick);
  if (action) await runErrorAction(action, log, retry);
}
