/**
 * Where a setting's value comes from decides what it may do. The user's settings (and the defaults) are the
 * user's choice; workspace and folder settings are the repository's. No vscode import: tested as plain data.
 */
import { DEFAULT_BASE_URL } from './settings';
import { originOf } from '../providers/origin';

/** The parts of `WorkspaceConfiguration.inspect()` this module reads. */
export interface Inspected<T = unknown> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * Settings that widen what runs or where your data goes: only the user's settings may set them, never a
 * repository's: a workspace value is ignored here, with one log line. They are not `machine`-scoped in
 * package.json: in a remote window (code-server, SSH, WSL) VS Code reads `machine` settings from the remote's
 * settings only, so the user's own value would be ignored (the newest code-server does that; the e2e tests saw it).
 * - `chatTools.autoApprove`: tool calls would run with no Allow click.
 * - `completions.enabled`: the code you type would be sent as you type it.
 * - `completions.maxRequestsPerMinute`: how much typing may cost.
 * - `extraHeaders`: headers on every request to your server, with your key (identity, routing, billing).
 * - `extraBody`: fields on every request, such as `store: true` (the server keeps your code) or a `tools` list.
 */
export const USER_ONLY_SETTINGS: readonly string[] = [
  'chatTools.autoApprove',
  'completions.enabled',
  'completions.maxRequestsPerMinute',
  'extraHeaders',
  'extraBody',
];

export interface SettingSource {
  value: unknown;
  /** Why a workspace value was not used, if one was set. */
  ignored?: 'untrusted' | 'user-only';
}

/** The repository's value for a setting, if it sets one (a folder's wins over the workspace's, as in VS Code). */
export function workspaceValueOf<T>(i: Inspected<T> | undefined): T | undefined {
  return i?.workspaceFolderValue !== undefined ? i.workspaceFolderValue : i?.workspaceValue;
}

/**
 * The value of `arcee.<key>` as this extension may use it. `merged` is VS Code's own value (`get()`), used when the
 * workspace's value may apply. In Restricted Mode no workspace value applies; a user-only setting never takes one.
 */
export function settingValue(key: string, i: Inspected | undefined, merged: unknown, trusted: boolean): SettingSource {
  if (workspaceValueOf(i) === undefined) return { value: merged };
  const userValue = i?.globalValue !== undefined ? i.globalValue : i?.defaultValue;
  if (!trusted) return { value: userValue, ignored: 'untrusted' };
  if (USER_ONLY_SETTINGS.includes(key)) return { value: userValue, ignored: 'user-only' };
  return { value: merged };
}

/** What `arcee.baseUrl` resolves to, and whether the user must first be asked about the workspace's server. */
export interface BaseUrlChoice {
  /** The base URL requests go to now. */
  baseUrl: string;
  /** The user's own (user settings, or the default). */
  userBaseUrl: string;
  /** The workspace's server, when it names one on another origin than the user's. */
  workspace?: { baseUrl: string; origin: string; decision: WorkspaceServerDecision | undefined };
}

/** The user's answer about a workspace's server, remembered per workspace and origin. */
export type WorkspaceServerDecision = 'use' | 'keep';

/**
 * Resolves `arcee.baseUrl`. The user's value (or the default) is always usable. A workspace value on the same
 * origin is used as it is: the key and the code go to the same server either way. A workspace value on another
 * origin is used only after the user said "Use it" for that origin in this workspace; until then (and after
 * "Keep my server") requests go to the user's server. An unusable workspace URL counts as unset.
 */
export function chooseBaseUrl(
  i: Inspected | undefined,
  trusted: boolean,
  decisionFor: (origin: string) => WorkspaceServerDecision | undefined,
): BaseUrlChoice {
  const usable = (v: unknown): string | undefined =>
    typeof v === 'string' && v.trim() && originOf(v) ? v.trim() : undefined;
  // An unusable user value is passed on as it is, so settings.ts names the problem and falls back to the default.
  const g = i?.globalValue;
  const userBaseUrl = typeof g === 'string' && g.trim() ? g.trim() : DEFAULT_BASE_URL;
  const ws = trusted ? usable(workspaceValueOf(i)) : undefined;
  if (!ws) return { baseUrl: userBaseUrl, userBaseUrl };
  const origin = originOf(ws) as string;
  if (origin === originOf(userBaseUrl)) return { baseUrl: ws, userBaseUrl };
  const decision = decisionFor(origin);
  return {
    baseUrl: decision === 'use' ? ws : userBaseUrl,
    userBaseUrl,
    workspace: { baseUrl: ws, origin, decision },
  };
}
