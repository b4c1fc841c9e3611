// How `npm start` (scripts/start.mjs) makes its profile: the settings it writes and the environment it gives
// code-server. Shared with the e2e test of that profile, so the test opens VS Code the way a newcomer does.

/** The user settings of a new `npm start` profile: nothing that would try the network or update anything. */
export const START_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
};

/**
 * The environment `npm start` gives code-server (and so the extension host): the file holding ARCEE_API_KEY, if
 * any, and on the newest VS Code the request to turn its built-in chat on (src/lm/chatIntegration.ts).
 */
export function startEnv(options: { keyFile?: string; newest: boolean }): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.keyFile) env.ARCEE_START_KEY_FILE = options.keyFile;
  if (options.newest) env.ARCEE_START_PROFILE_CHAT = '1';
  return env;
}
