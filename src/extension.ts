import * as vscode from 'vscode';

/** Wires the extension's shared objects and registers each feature. No logic lives here. */
export function activate(_context: vscode.ExtensionContext): void {
  // Filled in by the foundation work.
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
