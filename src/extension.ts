import * as vscode from 'vscode';
import { registerApiKeyCommands } from './commands/apiKey';
import { registerConnectionCommands } from './commands/connection';
import { registerModelCommands } from './commands/models';
import { ArceeService } from './services/arceeService';
import { KeyStore } from './services/keyStore';
import { Log } from './services/log';

/** Creates the few shared objects and registers each feature. No logic lives here. */
export function activate(context: vscode.ExtensionContext): void {
  const log = new Log(vscode.window.createOutputChannel('Arcee', { log: true }));
  const keys = new KeyStore(context.secrets);
  const service = new ArceeService(keys, log, context.globalState);
  context.subscriptions.push(
    log,
    keys,
    service,
    registerApiKeyCommands(service),
    registerModelCommands(service),
    registerConnectionCommands(service),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
