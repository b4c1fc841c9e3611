import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import vscode = require('vscode');
import type { StoreFiles } from '../chat/store';

/**
 * The conversation store's files, under the extension's global storage folder; writes are atomic (temp file,
 * then rename). A local folder (the usual case: the extension host runs where its storage is) goes through
 * Node's fs, which is much faster than a round trip through vscode.workspace.fs per operation.
 */
export function storeFilesAt(dir: vscode.Uri): StoreFiles {
  return dir.scheme === 'file' ? nodeFiles(dir.fsPath) : workspaceFiles(dir);
}

function nodeFiles(dir: string): StoreFiles {
  let created: Promise<unknown> | undefined;
  let counter = 0;
  return {
    async read(name) {
      try {
        return await fsp.readFile(path.join(dir, name), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async write(name, data) {
      await (created ??= fsp.mkdir(dir, { recursive: true }));
      const tmp = path.join(dir, `${name}.${process.pid}.${++counter}.tmp`);
      await fsp.writeFile(tmp, data, 'utf8');
      await fsp.rename(tmp, path.join(dir, name));
    },
    async delete(name) {
      await fsp.rm(path.join(dir, name), { force: true });
    },
  };
}

function workspaceFiles(dir: vscode.Uri): StoreFiles {
  const fs = vscode.workspace.fs;
  let created: Thenable<void> | undefined;
  let counter = 0;
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
      await (created ??= fs.createDirectory(dir));
      const tmp = vscode.Uri.joinPath(dir, `${name}.${++counter}.tmp`);
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
