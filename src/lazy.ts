/**
 * Start-up loads only what activation registers (commands, views, providers, the status bar); the code behind
 * them is in src/features.ts, loaded by the first call that needs it. esbuild.mjs builds that module as a bundle
 * of its own (dist/features.js), so VS Code neither parses nor runs it before then.
 */
import vscode = require('vscode');
import type * as Features from './features';

let loaded: typeof Features | undefined;

/** The feature code, loaded on the first call. */
export function features(): typeof Features {
  // A literal path: esbuild.mjs points it at dist/features.js, and tsc's output (the extension-host tests import
  // src/) finds out/src/features.js.
  return (loaded ??= require('./features') as typeof Features);
}

/** A value made on first use; disposed with its owner if it was made and is disposable. */
export class Lazy<T> implements vscode.Disposable {
  private value: T | undefined;
  private disposed = false;

  constructor(private readonly make: () => T) {}

  get(): T {
    if (this.disposed) throw new Error('Used after the extension was deactivated.');
    return (this.value ??= this.make());
  }

  dispose(): void {
    this.disposed = true;
    (this.value as Partial<vscode.Disposable> | undefined)?.dispose?.();
  }
}

/** A command's handler, as `vscode.commands.registerCommand` calls it. */
export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Registers the commands `ids` now, as activation always did; their handlers are made by `make` (which loads
 * the feature code) on the first call of any of them, and disposed with the registrations if they own anything.
 */
export function registerCommandsLazily<K extends string>(
  ids: readonly K[],
  make: () => Record<K, CommandHandler>,
): vscode.Disposable {
  const handlers = new Lazy(make);
  return vscode.Disposable.from(
    ...ids.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => handlers.get()[id](...args))),
    handlers,
  );
}
