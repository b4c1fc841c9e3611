import vscode = require('vscode');
import type { ClientLogger } from '../providers/client';
import { redactSecrets } from '../providers/errors';

/**
 * The "Arcee" log channel. Every line passes through redaction: the current key (exactly) and anything that
 * looks like a key or a bearer token.
 */
export class Log implements ClientLogger, vscode.Disposable {
  private secrets: string[] = [];

  constructor(private readonly channel: vscode.LogOutputChannel) {}

  /** The exact strings to hide, e.g. the key read from secret storage. */
  setSecrets(secrets: (string | undefined)[]): void {
    this.secrets = secrets.filter((s): s is string => !!s && s.length >= 4);
  }

  private clean(message: string): string {
    return redactSecrets(message, this.secrets);
  }

  info(message: string): void {
    this.channel.info(this.clean(message));
  }
  debug(message: string): void {
    this.channel.debug(this.clean(message));
  }
  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }
  error(message: string): void {
    this.channel.error(this.clean(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
