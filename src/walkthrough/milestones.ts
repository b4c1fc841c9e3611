// The getting-started walkthrough's pure side: its milestones and when it opens by itself.

/**
 * What a new user does for the first time; each completes one walkthrough step through the context key
 * `arcee.walkthrough.<milestone>` (the step's `onContext:` completion event), so a step is done when the thing
 * happened, never by a click on the step.
 */
export const MILESTONES = [
  'connected',
  'modelChosen',
  'answered',
  'selectionSent',
  'completionsOn',
  'vscodeChatAnswered',
] as const;
export type Milestone = (typeof MILESTONES)[number];

/**
 * Whether this start opens the walkthrough: only the first start after install (`opened` is remembered), and not
 * in extension tests or for a profile that already holds Arcee's set-up (a key, or a server URL in user settings).
 */
export function shouldOpenWalkthrough(start: {
  opened: boolean;
  testing: boolean;
  serverConfigured: boolean;
  keyStored: boolean;
}): boolean {
  return !start.opened && !start.testing && !start.serverConfigured && !start.keyStored;
}

/** The walkthrough's id as `workbench.action.openWalkthrough` takes it: `<publisher>.<name>#<walkthrough id>`. */
export const WALKTHROUGH_ID = 'arcee-community.arcee-vscode#gettingStarted';
