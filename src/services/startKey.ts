import vscode = require('vscode');
import type { KeyStore } from './keyStore';
import type { Log } from './log';

/** Names a file holding a key for `npm start`'s profile; set only by scripts/start.mjs (from ARCEE_API_KEY). */
export const START_KEY_FILE_ENV = 'ARCEE_START_KEY_FILE';

/**
 * `ARCEE_API_KEY=… npm start`: the start script writes the key to a private file and names it here; the key
 * goes into SecretStorage for `origin` (the user's server) and the file is deleted, so the key is never in a setting, a log or the environment
 * of the window's terminals.
 */
export async function importStartKey(
  keys: KeyStore,
  origin: string,
  log: Log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const file = env[START_KEY_FILE_ENV];
  if (!file) return false;
  delete env[START_KEY_FILE_ENV];
  const uri = vscode.Uri.file(file);
  let key = '';
  try {
    key = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).trim();
  } catch {
    return false; // Taken by an earlier window of this run.
  } finally {
    await Promise.resolve(vscode.workspace.fs.delete(uri)).catch(() => undefined);
  }
  if (!key) return false;
  await keys.set(origin, key);
  log.info('API key from ARCEE_API_KEY (npm start) stored in SecretStorage');
  return true;
}
