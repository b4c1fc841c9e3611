/**
 * The workspace's files as the tools see them: a model's path resolved in the open folders, a file's text
 * read, and file search. Every failure is an Error whose message the model can act on.
 */
import vscode = require('vscode');
import { looksBinary, safeRelativePath } from './definitions';

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

export async function findFiles(glob: string | undefined, max: number, signal: AbortSignal): Promise<vscode.Uri[]> {
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
