/**
 * Which Arcee model VS Code's own Chat should open on, and which serves its utility tasks (titles, progress
 * messages): pure choices over the model catalogue, so they are unit-tested without VS Code.
 */
import type { ModelInfo } from '../providers/api';

/** The first VS Code whose Chat and agent run on a provider's models without a GitHub sign-in. */
export const CHAT_WITHOUT_SIGN_IN: readonly [number, number] = [1, 122];

/** True when `version` ("1.139.1", "1.140.0-insider") is at least `floor`. */
export function versionAtLeast(version: string, floor: readonly [number, number]): boolean {
  const [major, minor] = version.split(/[.-]/).map((n) => Number.parseInt(n, 10));
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return false;
  return major > floor[0] || (major === floor[0] && minor >= floor[1]);
}

/** The model Chat opens on: the configured one if the server lists it, else the server's first. */
export function chatModelFor(models: readonly ModelInfo[], configured: string): string | undefined {
  return models.find((m) => m.id === configured)?.id ?? models[0]?.id;
}

/** Names of models that think before they answer: slow and costly for a title or a progress line. */
const THINKING = /(thinking|reasoning|maestro|\br1\b|-r1)/i;
/** The small model the platform notes recommend for light work. */
export const PREFERRED_UTILITY_MODEL = 'trinity-mini';

/**
 * The model for VS Code's utility tasks: `trinity-mini` when listed, else the listed model with the smallest
 * context that is not a thinking model; undefined when the server lists only thinking models (the user picks).
 */
export function utilityModelFor(models: readonly ModelInfo[]): string | undefined {
  const byId = models.find((m) => m.id === PREFERRED_UTILITY_MODEL || m.id.endsWith(`/${PREFERRED_UTILITY_MODEL}`));
  if (byId) return byId.id;
  const plain = models.filter(
    (m) =>
      !THINKING.test(m.id) &&
      !THINKING.test(m.name) &&
      !m.supportedFeatures.some((f) => f.toLowerCase() === 'reasoning'),
  );
  return plain.sort((a, b) => (a.contextLength ?? Infinity) - (b.contextLength ?? Infinity))[0]?.id;
}

/** The value of `chat.utilityModel` / `chat.utilitySmallModel` for one of our models. */
export function utilitySettingValue(vendor: string, modelId: string): string {
  return `${vendor}/${modelId}`;
}
