/**
 * Arcee in VS Code's own Chat (1.122+, where it runs on provider models without a GitHub sign-in): open the Chat
 * view on an Arcee model, make a small Arcee model serve Chat's utility tasks, and offer the fix when a request
 * fails for a reason the user can fix. Older VS Codes and forks keep the Arcee chat; nothing here shows there.
 */
import vscode = require('vscode');
import type { ModelInfo } from '../providers/api';
import type { ArceeError } from '../providers/errors';
import type { ArceeService } from '../services/arceeService';
import { showError } from '../services/errorUi';
import { CHAT_WITHOUT_SIGN_IN, chatModelFor, utilityModelFor, utilitySettingValue, versionAtLeast } from './chatChoice';
import { LM_VENDOR, type LmProviderHooks } from './provider';

/** `chat.utilityModel` and `chat.utilitySmallModel`, under the `chat` section. */
const UTILITY_SETTINGS = ['utilityModel', 'utilitySmallModel'] as const;
const UTILITY_OFFER_KEY = 'arcee.utilityModelsOffered';
/** The same fixable failure is offered once a minute at most: an agent retries, a toast per request helps no one. */
const FAILURE_TOAST_GAP_MS = 60_000;

/** True when this VS Code has a Chat view that runs on our models without a sign-in, and AI features are on. */
export function vsCodeChatAvailable(): boolean {
  return versionAtLeast(vscode.version, CHAT_WITHOUT_SIGN_IN) && vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures') !== true;
}

async function listedModels(service: ArceeService): Promise<ModelInfo[]> {
  return (await service.models({ signal: AbortSignal.timeout(20_000), askForKey: false })).models;
}

/** Opens VS Code's Chat view with an Arcee model picked; returns the model id, or undefined when it could not. */
export async function openChatOnArceeModel(service: ArceeService, given?: string): Promise<string | undefined> {
  const id = given ?? chatModelFor(await listedModels(service), service.settings.model);
  if (!id) {
    void vscode.window.showWarningMessage('The server lists no models yet: check the base URL and the key (Arcee: Test Connection).');
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
    const picks = models.map((m) => ({ label: m.id, description: m.id === id ? 'recommended: small and fast' : m.name !== m.id ? m.name : undefined, id: m.id }));
    picks.sort((a, b) => Number(b.id === id) - Number(a.id === id));
    const pick = await vscode.window.showQuickPick(picks, {
      title: "Arcee model for VS Code Chat's utility tasks",
      placeHolder: 'Chat asks this model for titles and progress messages on every agent turn: a small model keeps that fast and cheap',
    });
    id = pick?.id;
  }
  if (!id) return undefined;
  const chat = vscode.workspace.getConfiguration('chat');
  for (const key of UTILITY_SETTINGS) await chat.update(key, utilitySettingValue(LM_VENDOR, id), vscode.ConfigurationTarget.Global);
  service.log.info(`VS Code Chat's utility models set to ${LM_VENDOR}/${id}`);
  return id;
}

/** VS Code's own command that records a provider group in the profile's `chatLanguageModels.json`. */
const ADD_PROVIDER_GROUP = 'lm.addLanguageModelsProviderGroup';
const PROVIDER_GROUP_KEY = 'arcee.chatProviderGroupAdded';

/**
 * VS Code's Chat asks for a GitHub sign-in unless the profile has a provider group of another vendor (its
 * `github.copilot.hasByokModels`): models a provider lists are not enough. This records the "Arcee" group, as
 * "Manage Language Models → Add Models" would, once there are models to use (a key, or a server that needs none).
 * Once per profile: a user who removes the group is not overruled. Returns true when the group is (now) there.
 */
export async function ensureChatProviderGroup(service: ArceeService, state: vscode.Memento): Promise<boolean> {
  if (state.get<boolean>(PROVIDER_GROUP_KEY) || !vsCodeChatAvailable()) return false;
  if (!(await vscode.commands.getCommands(true)).includes(ADD_PROVIDER_GROUP)) return false;
  if (!(await listedModels(service)).length) return false;
  try {
    await vscode.commands.executeCommand(ADD_PROVIDER_GROUP, { name: 'Arcee', vendor: LM_VENDOR });
    service.log.info("Arcee's models added to VS Code Chat (provider group \"Arcee\" in chatLanguageModels.json)");
  } catch (e) {
    // "already exists": the user (or an earlier window) added it.
    if (!/already exists/i.test(e instanceof Error ? e.message : String(e))) throw e;
  }
  await state.update(PROVIDER_GROUP_KEY, true);
  return true;
}

/** The commands, and the provider hooks that offer fixes and the utility models from where Chat meets us. */
export function registerChatIntegration(service: ArceeService, state: vscode.Memento): { disposable: vscode.Disposable; hooks: LmProviderHooks } {
  const lastToast = new Map<string, number>();
  let offered = false;
  const hooks: LmProviderHooks = {
    failed(error: ArceeError): void {
      const now = Date.now();
      if (now - (lastToast.get(error.kind) ?? -Infinity) < FAILURE_TOAST_GAP_MS) return;
      lastToast.set(error.kind, now);
      void showError(service.log, error);
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
      })().catch((e: unknown) => service.log.warn(`Utility model offer: ${e instanceof Error ? e.message : String(e)}`));
    },
  };
  // Needs a key or a keyless server: tried at start and again whenever the key or settings change.
  let adding: Promise<unknown> | undefined;
  const addGroup = (): void => {
    adding ??= ensureChatProviderGroup(service, state)
      .catch((e: unknown) => service.log.warn(`Adding Arcee to VS Code Chat: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (adding = undefined));
  };
  addGroup();
  // Both commands take a model id as the argument (automation, keybindings); a failure becomes a toast with its fix.
  const modelCommand = (id: string, run: (service: ArceeService, given?: string) => Promise<string | undefined>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (given?: unknown) => {
      try {
        return await run(service, typeof given === 'string' ? given : undefined);
      } catch (e) {
        await showError(service.log, e);
        return undefined;
      }
    });
  const disposable = vscode.Disposable.from(
    service.onDidChange(addGroup),
    modelCommand('arcee.useInChat', openChatOnArceeModel),
    modelCommand('arcee.setUtilityModels', setUtilityModels),
  );
  return { disposable, hooks };
}
