/**
 * Arcee in VS Code's own Chat (1.122+, where it runs on provider models without a GitHub sign-in): open the Chat
 * view on an Arcee model, make a small Arcee model serve Chat's utility tasks, and offer the fix when a request
 * fails for a reason the user can fix. Older VS Codes and forks keep the Arcee chat; nothing here shows there.
 * This part runs at start-up; what runs when Chat meets us is in chatActions.ts.
 */
import vscode = require('vscode');
import { LM_VENDOR } from '../ids';
import { features, Lazy, registerCommandsLazily } from '../lazy';
import type { ArceeService } from '../services/arceeService';
import { vsCodeChatAvailable } from './chatAvailable';
import type { LmProviderHooks } from './provider';

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
  if (!(await service.models({ signal: AbortSignal.timeout(20_000), askForKey: false })).models.length) return false;
  try {
    await vscode.commands.executeCommand(ADD_PROVIDER_GROUP, { name: 'Arcee', vendor: LM_VENDOR });
    service.log.info('Arcee\'s models added to VS Code Chat (provider group "Arcee" in chatLanguageModels.json)');
  } catch (e) {
    // "already exists": the user (or an earlier window) added it.
    if (!/already exists/i.test(e instanceof Error ? e.message : String(e))) throw e;
  }
  await state.update(PROVIDER_GROUP_KEY, true);
  return true;
}

/** The commands, and the provider hooks that offer fixes and the utility models from where Chat meets us (chatActions.ts). */
export function registerChatIntegration(
  service: ArceeService,
  state: vscode.Memento,
): { disposable: vscode.Disposable; hooks: LmProviderHooks } {
  const actions = new Lazy(() => features().chatActions(service, state));
  const hooks: LmProviderHooks = {
    failed: (error) => actions.get().hooks.failed(error),
    servedChat: (modelId) => actions.get().hooks.servedChat(modelId),
    answeredChat: (modelId) => actions.get().hooks.answeredChat(modelId),
  };
  // Needs a key or a keyless server: tried at start and again whenever the key or settings change.
  let adding: Promise<unknown> | undefined;
  const addGroup = (): void => {
    adding ??= ensureChatProviderGroup(service, state)
      .catch((e: unknown) =>
        service.log.warn(`Adding Arcee to VS Code Chat: ${e instanceof Error ? e.message : String(e)}`),
      )
      .finally(() => (adding = undefined));
  };
  addGroup();
  const disposable = vscode.Disposable.from(
    service.onDidChange(addGroup),
    registerCommandsLazily(['arcee.useInChat', 'arcee.setUtilityModels'], () => actions.get().commands),
  );
  return { disposable, hooks };
}
