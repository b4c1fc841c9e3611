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

/**
 * The API key, kept only in VS Code's SecretStorage (the OS keyring). Keys are trimmed; `onDidChange` fires
 * for changes made in this window and in others (SecretStorage syncs them).
 */
export class KeyStore implements vscode.Disposable {
  static readonly SECRET_ID = 'arcee.apiKey';
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  /** Reads wait for this: a key still being imported at start-up is not read as missing. */
  private importing: Promise<unknown> = Promise.resolve();

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === KeyStore.SECRET_ID) this.emitter.fire();
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

  async get(): Promise<string | undefined> {
    await this.importing;
    try {
      const v = await this.secrets.get(KeyStore.SECRET_ID);
      return v?.trim() || undefined;
    } catch (e) {
      throw keyringError('read', e);
    }
  }

  async set(key: string): Promise<void> {
    const k = key.trim();
    if (!k) throw new Error('The API key is empty.');
    try {
      await this.secrets.store(KeyStore.SECRET_ID, k);
    } catch (e) {
      throw keyringError('save', e);
    }
  }

  async clear(): Promise<void> {
    try {
      await this.secrets.delete(KeyStore.SECRET_ID);
    } catch (e) {
      throw keyringError('remove', e);
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
