/**
 * The workspace's files as the tools see them: a model's path resolved in the open folders, each file placed by
 * its real path (symbolic links followed, then refused when they lead outside the workspace), its text read,
 * and file search without what leads outside. Every failure is an Error whose message the model can act on.
 */
import vscode = require('vscode');
import { CASE_INSENSITIVE_DEFAULT, confine, outsideReason, realRoots } from './confine';
import { looksBinary, safeRelativePath, type ToolPreflight } from './definitions';
import { isSecretFile, secretReason } from './secretFiles';

const MAX_READ_BYTES = 2_000_000;

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('Stopped.');
}

export function folders(): readonly vscode.WorkspaceFolder[] {
  const f = vscode.workspace.workspaceFolders ?? [];
  if (!f.length) throw new Error('No folder is open in VS Code, so there are no workspace files to use.');
  return f;
}

export function relative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/** The file `path` names in the first folder that has it (a multi-root path may start with its folder's name). */
export async function resolveFile(path: string): Promise<vscode.Uri> {
  const rel = safeRelativePath(path);
  const all = folders();
  const candidates: vscode.Uri[] = [];
  const [head, ...rest] = rel.split('/');
  for (const f of all)
    if (all.length > 1 && f.name === head && rest.length) candidates.push(vscode.Uri.joinPath(f.uri, ...rest));
  for (const f of all) candidates.push(vscode.Uri.joinPath(f.uri, rel));
  for (const uri of candidates) {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory)
        throw new Error(`"${path}" is a folder; use list_files to see what it holds.`);
      return uri;
    } catch (e) {
      if (e instanceof Error && e.message.includes('is a folder')) throw e;
    }
  }
  throw new Error(`There is no file "${path}" in the workspace. Use list_files to find the right path.`);
}

/** What the tools know of a file after following its symbolic links. */
export interface Target {
  uri: vscode.Uri;
  /** Its path as the workspace shows it. */
  path: string;
  /** Its workspace path after symbolic links, when that differs from `path`. */
  realPath?: string;
  /** Its real path is outside every workspace folder. */
  outside: boolean;
  /** Its name, or its real path's, looks like a file of credentials (isSecretFile). */
  secret: boolean;
}

/** The real paths of the open folders, in order; `''` for a folder that is not on disk (another scheme) or gone. */
function folderRoots(): Promise<string[]> {
  return realRoots(folders().map((f) => (f.uri.scheme === 'file' ? f.uri.fsPath : '')));
}

/**
 * Places a file found in the workspace by its real path. Only `file:` URIs have one: files of other schemes
 * count as what they say they are. Undefined when the file has no real path (gone, or a link to nothing).
 */
async function place(uri: vscode.Uri, roots: readonly string[]): Promise<Target | undefined> {
  const path = relative(uri);
  if (uri.scheme !== 'file') return { uri, path, outside: false, secret: isSecretFile(path) };
  const where = await confine(uri.fsPath, roots);
  if (!where.inside) return where.reason === 'outside' ? { uri, path, outside: true, secret: false } : undefined;
  const all = folders();
  const real = all.length > 1 ? `${all[where.root].name}/${where.relative}` : where.relative;
  // On a file system that ignores case, "SRC/a.ts" is the file src/a.ts, not a link.
  const same = CASE_INSENSITIVE_DEFAULT ? real.toLowerCase() === path.toLowerCase() : real === path;
  return {
    uri,
    path,
    realPath: same ? undefined : real,
    outside: false,
    secret: isSecretFile(path) || isSecretFile(real),
  };
}

/** The file a model's `path` names, placed by its real path; rejects with what the model should hear. */
export async function inspectPath(path: string): Promise<Target> {
  const uri = await resolveFile(path);
  const target = await place(uri, await folderRoots());
  if (!target) throw new Error(`There is no file "${path}" in the workspace. Use list_files to find the right path.`);
  return target;
}

/** What a call on `target` needs before it runs (the model named it `asked`). */
export function checkTarget(target: Target, asked: string): ToolPreflight {
  if (target.outside) return { refused: outsideReason(asked) };
  return {
    ...(target.secret
      ? { needsApproval: secretReason(isSecretFile(target.path) ? target.path : (target.realPath ?? target.path)) }
      : {}),
    ...(target.realPath ? { path: target.path, realPath: target.realPath } : {}),
  };
}

/**
 * The file of a read_file or get_diagnostics call, checked again as it runs: refused when it leads outside
 * the workspace, when it may hold secrets and the user was not asked for this call, or when a link changed
 * since the user saw the call (`checked`, from preflightWorkspaceTool).
 */
export async function checkedFile(path: string, checked: ToolPreflight | undefined): Promise<vscode.Uri> {
  const target = await inspectPath(path);
  const now = checkTarget(target, path);
  if (now.refused) throw new Error(now.refused);
  if (checked && checked.realPath !== now.realPath)
    throw new Error(
      `"${path}" changed after the user saw this call (a symbolic link now leads elsewhere); call the tool again.`,
    );
  if (now.needsApproval && !checked?.needsApproval)
    throw new Error(`${target.path} may hold secrets; it is read only in a call the user allowed for it. Call again.`);
  return target.uri;
}

/** The file's text: the editor's (unsaved changes included) when open, else the disk's. */
export async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_READ_BYTES)
    throw new Error(`${relative(uri)} is ${(stat.size / 1e6).toFixed(1)} MB, too large to read whole.`);
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (looksBinary(bytes)) throw new Error(`${relative(uri)} is a binary file.`);
  return new TextDecoder().decode(bytes);
}

/** `files.exclude` and `search.exclude` (node_modules, build output…) as one glob for findFiles. */
function excludeGlob(): string | undefined {
  const globs = new Set<string>();
  for (const section of ['files', 'search']) {
    const map = vscode.workspace.getConfiguration(section).get<Record<string, unknown>>('exclude') ?? {};
    for (const [glob, on] of Object.entries(map)) if (on === true) globs.add(glob);
  }
  return globs.size ? `{${[...globs].join(',')}}` : undefined;
}

/** What findFiles found inside the workspace, and how many it left out because their links lead outside. */
export interface Found {
  files: Target[];
  outside: number;
}

/**
 * Keeps the files whose real path is inside a workspace folder: VS Code's file search follows symbolic links
 * out of the workspace when `search.followSymlinks` is on (the default). Files with no real path are dropped.
 */
export async function keepInside(uris: readonly vscode.Uri[], signal: AbortSignal): Promise<Found> {
  const roots = await folderRoots();
  const found: Found = { files: [], outside: 0 };
  for (let i = 0; i < uris.length; i += 64) {
    throwIfAborted(signal);
    for (const t of await Promise.all(uris.slice(i, i + 64).map((u) => place(u, roots)))) {
      if (t?.outside) found.outside++;
      else if (t) found.files.push(t);
    }
  }
  return found;
}

/** The note for files left out because their links lead outside; '' when none were. */
export function outsideNote(n: number): string {
  return n
    ? `(${n} ${n === 1 ? 'file' : 'files'} left out: symbolic links that lead outside the workspace, which the tools do not follow)`
    : '';
}

export async function findFiles(glob: string | undefined, max: number, signal: AbortSignal): Promise<Found> {
  return keepInside(await findUris(glob, max, signal), signal);
}

async function findUris(glob: string | undefined, max: number, signal: AbortSignal): Promise<vscode.Uri[]> {
  const cts = new vscode.CancellationTokenSource();
  const onAbort = (): void => cts.cancel();
  signal.addEventListener('abort', onAbort);
  try {
    const include = glob?.trim() || '**/*';
    const exclude = excludeGlob();
    const found: vscode.Uri[] = [];
    for (const f of folders()) {
      const left = max - found.length;
      if (left <= 0) break;
      found.push(
        ...(await vscode.workspace.findFiles(new vscode.RelativePattern(f, include), exclude, left, cts.token)),
      );
    }
    return found.sort((a, b) => relative(a).localeCompare(relative(b)));
  } finally {
    signal.removeEventListener('abort', onAbort);
    cts.dispose();
  }
}
