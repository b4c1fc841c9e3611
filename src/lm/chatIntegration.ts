/**
 * Arcee in VS Code's own Chat (1.122+, where it runs on provider models without a GitHub sign-in): open the Chat
 * view on an Arcee model, make a small Arcee model serve Chat's utility tasks, and offer the fix when a request
 * fails for a reason the user can fix. Older VS Codes and forks keep the Arcee chat; nothing here shows there.
 * This part runs at start-up; what runs when Chat meets us is in chatActions.ts.
 */
import vscode = require('vscode');
import type { ModelStatus } from '../commands/modelStatus';
import { LM_VENDOR, MODEL_MENU_COMMAND } from '../ids';
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

/** Set to 1 by scripts/start.mjs for `npm start`'s own profile; a user's VS Code never has it. */
export const START_PROFILE_CHAT_ENV = 'ARCEE_START_PROFILE_CHAT';
/** VS Code's built-in chat extension (its product.json `defaultChatAgent.chatExtensionId`). */
const BUILT_IN_CHAT = 'GitHub.copilot-chat';
const ENABLE_ALL_EXTENSIONS = 'workbench.extensions.action.enableAll';
const START_CHAT_KEY = 'arcee.startProfileChatEnabled';

/**
 * `npm start`'s profile only: turns VS Code's built-in chat extension on, once, so its Chat answers on Arcee's
 * models without a command. code-server (1.13x) disables that extension on a profile's first start, because chat
 * set-up (a GitHub sign-in) never completed, and the state lives in the browser's storage, where the start script
 * cannot seed it. *Extensions: Enable All Extensions* is VS Code's own way back; on the first start of a new
 * profile the built-in chat is the only disabled extension, and a later disable by the user is left alone.
 */
export async function enableChatForStartProfile(
  state: vscode.Memento,
  log: { info(message: string): void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  if (env[START_PROFILE_CHAT_ENV] !== '1' || !vsCodeChatAvailable() || state.get<boolean>(START_CHAT_KEY)) return false;
  await state.update(START_CHAT_KEY, true);
  if (vscode.extensions.getExtension(BUILT_IN_CHAT)) return false;
  if (!(await vscode.commands.getCommands(true)).includes(ENABLE_ALL_EXTENSIONS)) return false;
  await vscode.commands.executeCommand(ENABLE_ALL_EXTENSIONS);
  log.info("npm start's profile: VS Code's built-in chat extension turned on (code-server starts it disabled)");
  return true;
}

/** The commands, and the provider hooks that offer fixes and the utility models from where Chat meets us (chatActions.ts). */
export function registerChatIntegration(
  service: ArceeService,
  state: vscode.Memento,
  status: ModelStatus,
): { disposable: vscode.Disposable; hooks: LmProviderHooks } {
  const actions = new Lazy(() => features().chatActions(service, state, status));
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
  void enableChatForStartProfile(state, service.log).catch((e: unknown) =>
    service.log.warn(`Turning on VS Code's chat for npm start: ${e instanceof Error ? e.message : String(e)}`),
  );
  const disposable = vscode.Disposable.from(
    service.onDidChange(addGroup),
    registerCommandsLazily(
      ['arcee.useInChat', 'arcee.setUtilityModels', MODEL_MENU_COMMAND],
      () => actions.get().commands,
    ),
  );
  return { disposable, hooks };
}
