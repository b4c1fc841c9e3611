// A provider backend for extension-host tests that call the language-model provider directly (with a client for
// a fake server and a log that keeps its lines), bypassing the extension's service.
import * as vscode from 'vscode';
import type { LmBackend } from '../../src/lm/provider';
import { ArceeClient } from '../../src/providers/client';

export function directBackend(baseUrl: string): { backend: LmBackend; logged: string[] } {
  const logged: string[] = [];
  const backend: LmBackend = {
    settings: { baseUrl },
    key: () => Promise.resolve(undefined),
    log: { info: (m) => logged.push(`info: ${m}`), warn: (m) => logged.push(`warn: ${m}`) },
    onDidChange: new vscode.EventEmitter<void>().event,
    client: () => Promise.resolve(new ArceeClient({ baseUrl, retry: { maxAttempts: 1 } })),
    request: (messages, overrides) => ({ model: 'unset', messages, ...overrides }),
    models: () => Promise.reject(new Error('not used')),
  };
  return { backend, logged };
}

/** Model information as VS Code passes it to a provider. */
export function modelInfo(id: string): vscode.LanguageModelChatInformation {
  return {
    id,
    name: id,
    family: id,
    version: '1',
    maxInputTokens: 100_000,
    maxOutputTokens: 8_000,
    capabilities: { toolCalling: true },
  };
}
