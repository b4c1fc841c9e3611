/**
 * Base URL handling. Users paste `https://api.arcee.ai`, `…/v1`, `…/api/v1`, a llama.cpp `http://localhost:8080`
 * or a full `…/chat/completions` URL; all of them must reach the right endpoints.
 */
import { ArceeError } from './errors';

export interface Endpoints {
  /** The API root that `/models` and `/usage/credits` hang off, without a trailing slash. */
  root: string;
  chatCompletions: string;
  models: string;
  credits: string;
  /** host[:port], for messages. */
  host: string;
}

/** Parses a base URL; throws an ArceeError that says what is wrong with it. */
export function resolveEndpoints(baseUrl: string): Endpoints {
  const raw = baseUrl.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ArceeError(
      'bad_request',
      `The base URL "${raw}" is not a valid URL. Use one like https://api.arcee.ai/api/v1.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ArceeError('bad_request', `The base URL must start with http:// or https:// (got "${url.protocol}").`);
  }
  if (url.username || url.password) {
    throw new ArceeError(
      'bad_request',
      'The base URL must not contain a user name or password; set the key with "Arcee: Set API Key".',
    );
  }
  const query = url.search;
  let path = url.pathname.replace(/\/+$/, '');
  let chatPath: string | undefined;
  if (/\/chat\/completions$/.test(path)) {
    chatPath = path;
    path = path.replace(/\/chat\/completions$/, '');
  } else if (!/\/v\d+[a-z]*$/i.test(path)) {
    // No version segment: OpenAI-compatible servers (and Arcee) answer under /v1.
    path = `${path}/v1`;
  }
  const origin = url.origin;
  const root = `${origin}${path}`;
  return {
    root,
    chatCompletions: `${origin}${chatPath ?? `${path}/chat/completions`}${query}`,
    models: `${root}/models${query}`,
    credits: `${root}/usage/credits${query}`,
    host: url.host,
  };
}
