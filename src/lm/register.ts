import vscode = require('vscode');
import type { ArceeService } from '../services/arceeService';
import { LM_VENDOR } from '../ids';
import { ArceeChatProvider, type LmProviderHooks } from './provider';

type ManageAction = 'setKey' | 'clearKey' | 'settings' | 'refresh';

const ACTIONS: { action: ManageAction; label: string; detail: string }[] = [
  {
    action: 'setKey',
    label: '$(key) Set API Key',
    detail: "Kept in VS Code's secret storage; the model list refreshes.",
  },
  { action: 'clearKey', label: '$(trash) Clear API Key', detail: 'Remove the stored key.' },
  {
    action: 'settings',
    label: '$(gear) Server and Model Settings',
    detail: 'arcee.baseUrl, arcee.model, sampling, timeouts.',
  },
  { action: 'refresh', label: '$(refresh) Refresh Model List', detail: "Fetch the server's /models again." },
];

/**
 * Registers vendor `arcee` with `vscode.lm` and `Arcee: Manage Language Models` (the provider's management
 * command: key, settings, refresh). Automation may pass the action as the argument.
 */
export function registerLanguageModelProvider(service: ArceeService, hooks: LmProviderHooks = {}): vscode.Disposable {
  const provider = new ArceeChatProvider(service, hooks);
  const run = async (action: ManageAction): Promise<void> => {
    switch (action) {
      case 'setKey':
        await vscode.commands.executeCommand('arcee.setApiKey');
        break;
      case 'clearKey':
        await vscode.commands.executeCommand('arcee.clearApiKey');
        break;
      case 'settings':
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:arcee-community.arcee-vscode');
        break;
      case 'refresh':
        await service.models({ signal: AbortSignal.timeout(20_000), refresh: true });
        provider.refresh();
        break;
    }
  };
  const registration = vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider);
  // VS Code (1.12x+) loads a provider's models only when something asks or the provider says they changed; until
  // then its Chat shows a sign-in wall. Saying so once at start puts the models in the picker from the first
  // window on (1.104 ignores the event and asks on each selectChatModels). The list comes from the cache when fresh.
  provider.refresh();
  return vscode.Disposable.from(
    provider,
    registration,
    vscode.commands.registerCommand(
      'arcee.manageLanguageModels',
      async (given?: unknown): Promise<ManageAction | undefined> => {
        let action = ACTIONS.find((a) => a.action === given)?.action;
        if (!action) {
          const pick = await vscode.window.showQuickPick(ACTIONS, {
            title: 'Arcee models in VS Code Chat',
            placeHolder: 'Key, server and model settings',
          });
          action = pick?.action;
        }
        if (action) await run(action);
        return action;
      },
    ),
  );
}
