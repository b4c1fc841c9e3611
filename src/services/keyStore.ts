import vscode = require('vscode');
import { describeUnknownError } from '../providers/errors';

/** Marks a KeyringError from either bundle's copy of this module (see ArceeError in providers/errors.ts). */
const KEYRING_ERROR: unique symbol = Symbol.for('arcee-vscode.KeyringError');

/** Thrown when VS Code cannot reach the OS keyring; the message says what to do. */
export class KeyringError extends Error {
  /** True for a KeyringError from either copy of this class (the key store's, or the error toasts'). */
  static override [Symbol.hasInstance](value: unknown): value is KeyringError {
    if (this !== KeyringError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && KEYRING_ERROR in value;
  }

  readonly [KEYRING_ERROR] = true;
}

/** The SecretStorage id of the key for `origin`. */
export function secretIdFor(origin: string): string {
  return `${KeyStore.SECRET_PREFIX}${origin}`;
}

/**
 * API keys, kept only in VS Code's SecretStorage (the OS keyring), each under the origin (scheme, host and port,
 * see config/origin.ts) of the server it was entered for: a key is only ever read for its own server. Keys are
 * trimmed; `onDidChange` fires with the origin for changes made in this window and in others (SecretStorage
 * syncs them).
 */
export class KeyStore implements vscode.Disposable {
  /** Where 1.x kept its one key; moved to its server's origin by `migrateLegacyKey`. */
  static readonly LEGACY_SECRET_ID = 'arcee.apiKey';
  static readonly SECRET_PREFIX = 'arcee.apiKey@';
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the origin whose key changed. */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  /** The origin a 1.x key moves to (migrateLegacyKey); a read that finds no key there looks for it again. */
  private legacyOrigin: string | undefined;
  /** Reads wait for this: a key still being imported or migrated at start-up is not read as missing. */
  private importing: Promise<unknown> = Promise.resolve();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(KeyStore.SECRET_PREFIX)) this.emitter.fire(e.key.slice(KeyStore.SECRET_PREFIX.length));
    });
  }

  /**
   * Makes every read wait until `pending` settles (either way). Activation stores `npm start`'s ARCEE_API_KEY
   * asynchronously; without this, a command run in the first moments of the window (Test Connection, a chat
   * question) read no key and sent its request without one.
   */
  holdReadsUntil(pending: Promise<unknown>): void {
    const noop = (): void => undefined;
    this.importing = Promise.all([this.importing, pending.then(noop, noop)]);
  }

  /** The key entered for `origin`, if any. */
  async get(origin: string): Promise<string | undefined> {
    await this.importing;
    let v: string | undefined;
    try {
      v = (await this.secrets.get(secretIdFor(origin)))?.trim();
    } catch (e) {
      throw keyringError('read', e);
    }
    // The 1.x key may have been out of reach when activation looked (a keyring unlocked late): look again.
    if (!v && origin === this.legacyOrigin && (await this.migrateLegacyKey(origin)))
      v = (await this.secrets.get(secretIdFor(origin)))?.trim();
    return v || undefined;
  }

  async set(origin: string, key: string): Promise<void> {
    const k = key.trim();
    if (!k) throw new Error('The API key is empty.');
    try {
      await this.secrets.store(secretIdFor(origin), k);
    } catch (e) {
      throw keyringError('save', e);
    }
  }

  async clear(origin: string): Promise<void> {
    try {
      await this.secrets.delete(secretIdFor(origin));
    } catch (e) {
      throw keyringError('remove', e);
    }
  }

  /**
   * 1.x kept one key under `arcee.apiKey`, sent to whatever `arcee.baseUrl` said. It moves to `origin`, the
   * origin of the user's own base URL (the default one when unset), so nobody re-enters it; a key already
   * stored for that origin wins. The old entry is then deleted, so no copy is left that could go elsewhere.
   * Resolves true when a key was moved.
   */
  async migrateLegacyKey(origin: string): Promise<boolean> {
    this.legacyOrigin = origin;
    try {
      const legacy = (await this.secrets.get(KeyStore.LEGACY_SECRET_ID))?.trim();
      if (!legacy) return false;
      if (!(await this.secrets.get(secretIdFor(origin)))?.trim()) await this.secrets.store(secretIdFor(origin), legacy);
      await this.secrets.delete(KeyStore.LEGACY_SECRET_ID);
      return true;
    } catch (e) {
      throw keyringError('move', e);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function keyringError(verb: string, e: unknown): KeyringError {
  return new KeyringError(
    `VS Code could not ${verb} the API key in the OS keyring (${describeUnknownError(e)}). ` +
      'On Linux, install and unlock a keyring such as gnome-keyring or KWallet, or start VS Code with --password-store=basic.',
  );
}

/** Soft check shown while typing a key: a warning, never a block (other servers use other keys). */
export function validateKeyInput(value: string): vscode.InputBoxValidationMessage | undefined {
  const v = value.trim();
  if (!v)
    return { message: 'Paste the key, or press Escape to cancel.', severity: vscode.InputBoxValidationSeverity.Error };
  if (/\s/.test(v))
    return { message: 'A key has no spaces inside it.', severity: vscode.InputBoxValidationSeverity.Error };
  if (!v.startsWith('rcai-')) {
    return {
      message: 'Arcee keys start with "rcai-". Press Enter to keep it anyway (for another OpenAI-compatible server).',
      severity: vscode.InputBoxValidationSeverity.Warning,
    };
  }
  return undefined;
}
