import vscode = require('vscode');
import { vsCodeChatAvailable } from '../lm/chatAvailable';
import type { ArceeService } from '../services/arceeService';
import { ARCEE_ACCOUNT_URL, showError } from '../services/errorUi';
import { validateKeyInput } from '../services/keyStore';

/**
 * `Arcee: Set API Key` (password input; resolves true when a key was saved) and `Arcee: Clear API Key`.
 * Automation may pass the key as the argument instead of typing it; it is stored the same way and never echoed.
 */
export function apiKeyCommands(service: ArceeService) {
  return {
    'arcee.setApiKey': async (given?: unknown): Promise<boolean> => {
      let key = typeof given === 'string' ? given : undefined;
      if (key === undefined) {
        const getKey: vscode.QuickInputButton = {
          iconPath: new vscode.ThemeIcon('link-external'),
          tooltip: 'Get a key at chat.arcee.ai',
        };
        const box = vscode.window.createInputBox();
        box.title = 'Arcee: Set API Key';
        box.prompt = `Paste your API key. It is kept in VS Code's secret storage (the OS keyring), never in settings. Keys are made at ${ARCEE_ACCOUNT_URL}.`;
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
        await service.keys.set(key);
      } catch (e) {
        await showError(service.log, e);
        return false;
      }
      service.log.info('API key saved in secret storage');
      if (vsCodeChatAvailable()) {
        void vscode.window
          .showInformationMessage(
            "Arcee API key saved in VS Code's secret storage. Arcee's models are now in VS Code Chat's model picker.",
            'Use in Chat',
          )
          .then((pick) => {
            if (pick) void vscode.commands.executeCommand('arcee.useInChat');
          });
      } else {
        void vscode.window.showInformationMessage("Arcee API key saved in VS Code's secret storage.");
      }
      return true;
    },
    'arcee.clearApiKey': async (): Promise<boolean> => {
      try {
        await service.keys.clear();
      } catch (e) {
        await showError(service.log, e);
        return false;
      }
      service.log.info('API key removed from secret storage');
      void vscode.window.showInformationMessage('Arcee API key removed from this machine.');
      return true;
    },
  };
}
