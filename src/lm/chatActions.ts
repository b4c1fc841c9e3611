/**
 * Arcee in VS Code's own Chat, once it is used (chatIntegration.ts registers the commands and hooks at start-up):
 * open the Chat view on an Arcee model, set the utility models or offer them, and offer the fix when a request
 * fails for a reason the user can fix.
 */
import vscode = require('vscode');
import { LM_VENDOR, MODEL_MENU_COMMAND } from '../ids';
import type { ModelInfo } from '../providers/api';
import type { ArceeError } from '../providers/errors';
import type { ArceeService } from '../services/arceeService';
import { errorView } from '../chat/streamToView';
import type { ModelStatus } from '../commands/modelStatus';
import { ERROR_ACTION_LABELS, runErrorAction, showError } from '../services/errorUi';
import { chatModelFor, utilityModelFor, utilitySettingValue } from './chatChoice';
import type { LmProviderHooks } from './provider';

/** `chat.utilityModel` and `chat.utilitySmallModel`, under the `chat` section. */
const UTILITY_SETTINGS = ['utilityModel', 'utilitySmallModel'] as const;
const UTILITY_OFFER_KEY = 'arcee.utilityModelsOffered';

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

/**
 * The menu behind the status bar item while it holds a failure's fix or the utility-model offer (ModelStatus):
 * the fix's actions, the offer's answers, and Select Model.
 */
async function modelMenu(service: ArceeService, state: vscode.Memento, status: ModelStatus): Promise<void> {
  type Item = vscode.QuickPickItem & { run?: () => Promise<unknown> };
  const items: Item[] = [];
  const failure = status.problem;
  if (failure) {
    items.push({ label: 'VS Code Chat failed', kind: vscode.QuickPickItemKind.Separator });
    for (const action of errorView(failure).actions.filter((a) => a !== 'retry')) {
      items.push({ label: ERROR_ACTION_LABELS[action], run: () => runErrorAction(action, service.log) });
    }
    items.push({ label: 'Dismiss', run: () => Promise.resolve(status.clearFailure()) });
  }
  const offer = status.utilityOffer;
  if (offer) {
    const answered = async (): Promise<void> => {
      status.offerUtilityModel(undefined);
      await state.update(UTILITY_OFFER_KEY, true);
    };
    items.push(
      { label: "VS Code Chat's titles and progress messages", kind: vscode.QuickPickItemKind.Separator },
      {
        label: `Use ${offer} for Them`,
        detail:
          'VS Code Chat also asks a model for a title and progress messages on every agent turn; a small model answers them sooner and for less.',
        run: async () => {
          await answered();
          await setUtilityModels(service, offer);
        },
      },
      {
        label: 'Choose a Model for Them…',
        run: async () => {
          await answered();
          await setUtilityModels(service);
        },
      },
      { label: "Don't Ask Again", run: answered },
    );
  }
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: 'Select Model…', run: () => Promise.resolve(vscode.commands.executeCommand('arcee.selectModel')) },
  );
  const pick = await vscode.window.showQuickPick(items, {
    title: `Arcee: ${service.settings.model}`,
    placeHolder: failure?.message,
  });
  await pick?.run?.();
}

/** The provider hooks and the commands, made when the first of them is used. */
export function chatActions(service: ArceeService, state: vscode.Memento, status: ModelStatus) {
  let offered = false;
  const hooks: Required<LmProviderHooks> = {
    failed(error: ArceeError): void {
      // Chat shows the sentence inline; the fix waits in the status bar, where it covers nothing.
      status.showFailure(error);
    },
    answeredChat(): void {
      status.clearFailure();
      service.reached('vscodeChatAnswered');
    },
    servedChat(): void {
      if (offered || state.get<boolean>(UTILITY_OFFER_KEY)) return;
      offered = true;
      const chat = vscode.workspace.getConfiguration('chat');
      if (UTILITY_SETTINGS.every((k) => chat.get<string>(k))) return;
      void listedModels(service)
        .then((models) => status.offerUtilityModel(utilityModelFor(models)))
        .catch((e: unknown) => service.log.warn(`Utility model offer: ${e instanceof Error ? e.message : String(e)}`));
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
      [MODEL_MENU_COMMAND]: () => modelMenu(service, state, status),
    },
  };
}
