import vscode = require('vscode');
import { originHost } from '../providers/origin';
import { needsKey } from '../config/settings';
import { vsCodeChatAvailable } from '../lm/chatAvailable';
import type { ArceeService } from '../services/arceeService';
import { ARCEE_ACCOUNT_URL, showError } from '../services/errorUi';
import { validateKeyInput } from '../services/keyStore';

/**
 * `Arcee: Set API Key` (password input; resolves true when a key was saved) and `Arcee: Clear API Key`, both for
 * the server in use: a key is stored under that server's origin and sent nowhere else. Automation may pass the
 * key as the argument instead of typing it; it is stored the same way and never echoed. The extension itself may
 * pass `{ reason }`, a sentence shown first in the box (why a key is asked for).
 */
export function apiKeyCommands(service: ArceeService) {
  return {
    'arcee.setApiKey': async (given?: unknown): Promise<boolean> => {
      let key = typeof given === 'string' ? given : undefined;
      const reason =
        typeof given === 'object' && given !== null && typeof (given as { reason?: unknown }).reason === 'string'
          ? (given as { reason: string }).reason
          : '';
      // Read once: the key is bound to the server in use when the box opened, even if settings change meanwhile.
      const origin = service.keyOrigin;
      const host = originHost(origin);
      if (key === undefined) {
        const getKey: vscode.QuickInputButton = {
          iconPath: new vscode.ThemeIcon('link-external'),
          tooltip: 'Get a key at chat.arcee.ai',
        };
        const box = vscode.window.createInputBox();
        box.title = `Arcee: Set API Key for ${host}`;
        box.prompt =
          `${reason ? `${reason} ` : ''}Paste the API key for ${origin}; it is sent to that server only. ` +
          `It is kept in VS Code's secret storage (the OS keyring), never in settings.` +
          (needsKey(origin) ? ` Keys are made at ${ARCEE_ACCOUNT_URL}.` : '');
        box.placeholder = 'rcai-…';
        box.password = true;
        box.ignoreFocusOut = true;
        box.buttons = [getKey];
        key = await new Promise<string | undefined>((resolve) => {
          const subs = [
            box.onDidChangeValue((v) => (box.validationMessage = v ? validateKeyInput(v) : undefined)),
            box.onDidAccept(() => {
              const problem = validateKeyInput(box.value);
              if (problem?.severity === vscode.InputBoxValidationSeverity.Error) {
                box.validationMessage = problem;
                return;
              }
              resolve(box.value);
              box.hide();
            }),
            box.onDidTriggerButton(() => void vscode.env.openExternal(vscode.Uri.parse(ARCEE_ACCOUNT_URL))),
            box.onDidHide(() => {
              resolve(undefined);
              for (const s of subs) s.dispose();
              box.dispose();
            }),
          ];
          box.show();
        });
      }
      if (key === undefined || !key.trim()) return false;
      try {
        await service.keys.set(origin, key);
      } catch (e) {
        await showError(service.log, e);
        return false;
      }
      service.log.info(`API key saved for ${host} in secret storage`);
      if (vsCodeChatAvailable()) {
        void vscode.window
          .showInformationMessage(
            `API key saved for ${host} in VS Code's secret storage. Arcee's models are now in VS Code Chat's model picker.`,
            'Use in Chat',
          )
          .then((pick) => {
            if (pick) void vscode.commands.executeCommand('arcee.useInChat');
          });
      } else {
        void vscode.window.showInformationMessage(`API key saved for ${host} in VS Code's secret storage.`);
      }
      return true;
    },
    'arcee.clearApiKey': async (): Promise<boolean> => {
      const origin = service.keyOrigin;
      try {
        await service.keys.clear(origin);
      } catch (e) {
        await showError(service.log, e);
        return false;
      }
      service.log.info(`API key for ${originHost(origin)} removed from secret storage`);
      void vscode.window.showInformationMessage(`API key for ${originHost(origin)} removed from this machine.`);
      return true;
    },
  };
}
