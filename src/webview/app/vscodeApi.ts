/** The webview's one handle on the host: typed posting and the small state that survives re-creation. */
import type { WebviewMessage } from '../protocol';

/** What is kept across re-creations of the webview. Nothing secret ever lives in the webview. */
export interface PersistedState {
  draft: string;
  prompts: string[];
  /** The Logprobs toggle of this surface. */
  logprobs?: boolean;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState(): PersistedState {
  const raw = api.getState();
  const s = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const prompts = Array.isArray(s.prompts) ? s.prompts.filter((p): p is string => typeof p === 'string') : [];
  return {
    draft: typeof s.draft === 'string' ? s.draft : '',
    prompts: prompts.slice(-50),
    logprobs: s.logprobs === true,
  };
}

export function saveState(state: PersistedState): void {
  api.setState({ draft: state.draft, prompts: state.prompts.slice(-50), logprobs: state.logprobs === true });
}
