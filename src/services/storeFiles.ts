import * as vscode from 'vscode';
import type { StoreFiles } from '../chat/store';

/** The conversation store's files, under the extension's global storage folder; writes are atomic (temp + rename). */
export function storeFilesAt(dir: vscode.Uri): StoreFiles {
  const fs = vscode.workspace.fs;
  let created: Thenable<void> | undefined;
  const ensureDir = (): Thenable<void> => (created ??= fs.createDirectory(dir));
  return {
    async read(name) {
      try {
        return new TextDecoder().decode(await fs.readFile(vscode.Uri.joinPath(dir, name)));
      } catch (e) {
        if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return undefined;
        throw e;
      }
    },
    async write(name, data) {
      await ensureDir();
      const tmp = vscode.Uri.joinPath(dir, `${name}.${Date.now().toString(36)}.tmp`);
      await fs.writeFile(tmp, new TextEncoder().encode(data));
      await fs.rename(tmp, vscode.Uri.joinPath(dir, name), { overwrite: true });
    },
    async delete(name) {
      try {
        await fs.delete(vscode.Uri.joinPath(dir, name));
      } catch (e) {
        if (!(e instanceof vscode.FileSystemError && e.code === 'FileNotFound')) throw e;
      }
    },
  };
}
