import * as vscode from 'vscode';
import { ArceeError, describeUnknownError, isArceeError } from '../providers/errors';
import { KeyringError } from './keyStore';
import type { Log } from './log';

export const KEYS_PAGE_URL = 'https://chat.arcee.ai';

/**
 * Shows a failure with the action that fixes it (Set API Key, Open Settings, Retry, Billing), logs it, and
 * never shows raw HTML or `[object Object]`. A cancel is not an error and shows nothing.
 */
export async function showError(log: Log, err: unknown, retry?: () => unknown): Promise<void> {
  if (isArceeError(err) && err.kind === 'cancelled') return;
  const message = isArceeError(err) || err instanceof KeyringError ? err.message : describeUnknownError(err);
  log.error(isArceeError(err) ? `${err.kind}${err.status ? ` ${err.status}` : ''}: ${message}` : message);
  const actions = actionsFor(err, !!retry);
  const pick = await vscode.window.showErrorMessage(message, ...actions);
  switch (pick) {
    case 'Set API Key':
      await vscode.commands.executeCommand('arcee.setApiKey');
      break;
    case 'Open Settings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:arcee-community.arcee-vscode');
      break;
    case 'Open Billing':
      await vscode.env.openExternal(vscode.Uri.parse(KEYS_PAGE_URL));
      break;
    case 'Retry':
      await retry?.();
      break;
    case 'Show Log':
      log.show();
      break;
  }
}

function actionsFor(err: unknown, canRetry: boolean): string[] {
  if (!(err instanceof ArceeError)) return ['Show Log'];
  switch (err.kind) {
    case 'auth':
    case 'permission':
      return ['Set API Key', 'Show Log'];
    case 'payment':
      return ['Open Billing', 'Show Log'];
    case 'not_found':
    case 'bad_request':
    case 'validation':
      return ['Open Settings', 'Show Log'];
    default:
      return canRetry ? ['Retry', 'Show Log'] : ['Show Log'];
  }
}
