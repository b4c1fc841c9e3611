/**
 * The client's timeouts when none are given, in a module of their own: the settings read them at start-up,
 * without loading the client.
 */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 60_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;
