/**
 * Arcee in VS Code's own Chat, once it is used (chatIntegration.ts registers the commands and hooks at start-up):
 * open the Chat view on an Arcee model, set the utility models or offer them, and offer the fix when a request
 * fails for a reason the user can fix.
 */
import vscode = require('vscode');
import { LM_VENDOR } from '../ids';
import type { ModelInfo } from '../providers/api';
import type { ArceeError } from '../providers/errors';
import type { ArceeService } from '../services/arceeService';
import { showError } from '../services/errorUi';
import { chatModelFor, utilityModelFor, utilitySettingValue } from './chatChoice';
import type { LmProviderHooks } from './provider';

/** `chat.utilityModel` and `chat.utilitySmallModel`, under the `chat` section. */
const UTILITY_SETTINGS = ['utilityModel', 'utilitySmallModel'] as const;
const UTILITY_OFFER_KEY = 'arcee.utilityModelsOffered';
/** The same fixable failure is offered once a minute at most: an agent retries, a toast per request helps no one. */
const FAILURE_TOAST_GAP_MS = 60_000;

async function listedModels(service: ArceeService): Promise<ModelInfo[]> {
  return (await service.models({ signal: AbortSignal.timeout(20_000), askForKey: false })).models;
}

/** Opens VS Code's Chat view with an Arcee model picked; returns the model id, or undefined when it could not. */
export async function openChatOnArceeModel(service: ArceeService, given?: string): Promise<string | undefined> {
  const id = given ?? chatModelFor(await listedModels(service), service.settings.model);
  if (!id) {
    void vscode.window.showWarningMessage(
      'The server lists no models yet: check the base URL and the key (Arcee: Test Connection).',
    );
    return undefined;
  }
  await vscode.commands.executeCommand('workbench.action.chat.open', { modelSelector: { vendor: LM_VENDOR, id } });
  return id;
}

/** Sets both of Chat's utility-model settings to `arcee/<id>` (user settings); returns the id. */
async function setUtilityModels(service: ArceeService, given?: string): Promise<string | undefined> {
  const models = await listedModels(service);
  let id = given ?? utilityModelFor(models);
  if (!given) {
    const picks = models.map((m) => ({
      label: m.id,
      description: m.id === id ? 'recommended: small and fast' : m.name !== m.id ? m.name : undefined,
      id: m.id,
    }));
    picks.sort((a, b) => Number(b.id === id) - Number(a.id === id));
    const pick = await vscode.window.showQuickPick(picks, {
      title: "Arcee model for VS Code Chat's utility tasks",
      placeHolder:
        'Chat asks this model for titles and progress messages on every agent turn: a small model keeps that fast and cheap',
    });
    id = pick?.id;
  }
  if (!id) return undefined;
  const chat = vscode.workspace.getConfiguration('chat');
  for (const key of UTILITY_SETTINGS)
    await chat.update(key, utilitySettingValue(LM_VENDOR, id), vscode.ConfigurationTarget.Global);
  service.log.info(`VS Code Chat's utility models set to ${LM_VENDOR}/${id}`);
  return id;
}

/** The provider hooks and the two commands, made when the first of them is used. */
export function chatActions(service: ArceeService, state: vscode.Memento) {
  const lastToast = new Map<string, number>();
  let offered = false;
  const hooks: Required<LmProviderHooks> = {
    failed(error: ArceeError): void {
      const now = Date.now();
      if (now - (lastToast.get(error.kind) ?? -Infinity) < FAILURE_TOAST_GAP_MS) return;
      lastToast.set(error.kind, now);
      void showError(service.log, error);
    },
    answeredChat(): void {
      service.reached('vscodeChatAnswered');
    },
    servedChat(): void {
      if (offered || state.get<boolean>(UTILITY_OFFER_KEY)) return;
      offered = true;
      const chat = vscode.workspace.getConfiguration('chat');
      if (UTILITY_SETTINGS.every((k) => chat.get<string>(k))) return;
      void (async () => {
        const id = utilityModelFor(await listedModels(service));
        if (!id) return;
        const use = `Use ${id}`;
        const pick = await vscode.window.showInformationMessage(
          `VS Code Chat also asks a model for titles and progress messages on every agent turn. Use Arcee's small ${id} for those?`,
          use,
          'Choose…',
          "Don't Ask Again",
        );
        if (pick) await state.update(UTILITY_OFFER_KEY, true);
        if (pick === use) await setUtilityModels(service, id);
        else if (pick === 'Choose…') await setUtilityModels(service);
      })().catch((e: unknown) =>
        service.log.warn(`Utility model offer: ${e instanceof Error ? e.message : String(e)}`),
      );
    },
  };
  // Both commands take a model id as the argument (automation, keybindings); a failure becomes a toast with its fix.
  const modelCommand =
    (run: (service: ArceeService, given?: string) => Promise<string | undefined>) =>
    async (given?: unknown): Promise<string | undefined> => {
      try {
        return await run(service, typeof given === 'string' ? given : undefined);
      } catch (e) {
        await showError(service.log, e);
        return undefined;
      }
    };
  return {
    hooks,
    commands: {
      'arcee.useInChat': modelCommand(openChatOnArceeModel),
      'arcee.setUtilityModels': modelCommand(setUtilityModels),
    },
  };
}
