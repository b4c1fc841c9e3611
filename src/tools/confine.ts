/**
 * Keeps the workspace tools inside the workspace after symbolic links: a path is judged by its real path
 * (`realpath`), compared with the real paths of the workspace folders. vscode-free: `isInside` is pure, and
 * `confine` needs only Node's `fs`.
 */
import { promises as fs } from 'node:fs';

export interface PathCompareOptions {
  /** Compare without regard to case (the default file systems of macOS and Windows). */
  caseInsensitive?: boolean;
}

/** True where the platform's usual file system ignores case in names. */
export const CASE_INSENSITIVE_DEFAULT = process.platform === 'darwin' || process.platform === 'win32';

/** `\` and `/` as `/`, no trailing separator (except for a root: `/`, `C:/`). */
function normalise(p: string, caseInsensitive: boolean): string {
  let n = p.replace(/\\/g, '/');
  while (n.length > 1 && n.endsWith('/') && !/^[a-z]:\/$/i.test(n)) n = n.slice(0, -1);
  return caseInsensitive ? n.toLowerCase() : n;
}

/**
 * Where `realPath` lies among `realRoots`: the index of the first root that holds it (or is it), and the path
 * below that root with `/` separators (`''` for the root itself); undefined when it lies in none. A root is
 * never a mere string prefix: `/ws-other/a` is not inside `/ws`. Both sides should already be real paths.
 */
export function whereInside(
  realPath: string,
  realRoots: readonly string[],
  options: PathCompareOptions = {},
): { root: number; relative: string } | undefined {
  const ci = options.caseInsensitive ?? CASE_INSENSITIVE_DEFAULT;
  const p = normalise(realPath, ci);
  const shown = normalise(realPath, false);
  for (let i = 0; i < realRoots.length; i++) {
    const r = normalise(realRoots[i], ci);
    if (!r) continue;
    if (p === r) return { root: i, relative: '' };
    const base = r.endsWith('/') ? r : `${r}/`;
    // The cut is counted on the root as written: lower-casing may change a string's length.
    const shownRoot = normalise(realRoots[i], false);
    if (p.startsWith(base))
      return { root: i, relative: shown.slice(shownRoot.endsWith('/') ? shownRoot.length : shownRoot.length + 1) };
  }
  return undefined;
}

/** True when `realPath` is one of `realRoots` or lies below one of them (see whereInside). */
export function isInside(realPath: string, realRoots: readonly string[], options: PathCompareOptions = {}): boolean {
  return whereInside(realPath, realRoots, options) !== undefined;
}

/** What the real path of a file says about it. */
export type Confinement =
  /** Inside workspace folder `root`; `relative` is its path there after every symbolic link. */
  | { inside: true; root: number; relative: string; realPath: string }
  /** Its real path is outside every folder. */
  | { inside: false; reason: 'outside' }
  /** No real path: the file is gone, or a symbolic link leads to nothing. */
  | { inside: false; reason: 'unresolved' };

/** The real paths of the workspace folders, in order; a folder that cannot be resolved (gone) gets `''`. */
export async function realRoots(rootPaths: readonly string[]): Promise<string[]> {
  return Promise.all(rootPaths.map((r) => fs.realpath(r).catch(() => '')));
}

/**
 * Resolves `fsPath` with `realpath` (every symbolic link, in any segment) and places it among the folders'
 * real paths (from realRoots; a folder may itself be reached through a link).
 */
export async function confine(
  fsPath: string,
  roots: readonly string[],
  options: PathCompareOptions = {},
): Promise<Confinement> {
  let real: string;
  try {
    real = await fs.realpath(fsPath);
  } catch {
    return { inside: false, reason: 'unresolved' };
  }
  const at = whereInside(real, roots, options);
  return at ? { inside: true, ...at, realPath: real } : { inside: false, reason: 'outside' };
}

/** The refusal for a path whose real path is outside the workspace; it never names where the link leads. */
export function outsideReason(path: string): string {
  return `"${path}" is a symbolic link (or lies under one) that leads outside the workspace; only files inside the workspace can be read.`;
}
