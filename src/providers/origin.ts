/**
 * A key belongs to a server: the origin (scheme, host and port) of the base URL it was entered for. No vscode
 * import: tested as plain data.
 */

/**
 * The origin a key for `baseUrl` is bound to, e.g. `https://api.arcee.ai` or `http://127.0.0.1:8080`.
 * Default ports are dropped, the host is lower-cased, and a path or trailing slash makes no difference.
 * `localhost` and `127.0.0.1` are different origins: a key entered for one is not sent to the other.
 * Throws for anything but http(s), and for a URL carrying a user name or password.
 */
export function keyOrigin(baseUrl: string): string {
  const url = new URL(baseUrl.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`A key can only be bound to an http:// or https:// server (got "${url.protocol}").`);
  }
  if (url.username || url.password) {
    throw new Error('A server URL with a user name or password cannot hold a key; remove them from the URL.');
  }
  return url.origin;
}

/** The origin of `url`, or undefined when it is not an http(s) URL. */
export function originOf(url: string): string | undefined {
  try {
    return keyOrigin(url);
  } catch {
    return undefined;
  }
}

/** True when `url` is on `origin` (as keyOrigin gives it). */
export function isSameOrigin(url: string, origin: string): boolean {
  return originOf(url) === origin;
}

/** host[:port] of an origin, for sentences ("api.arcee.ai", "127.0.0.1:8080"). */
export function originHost(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
