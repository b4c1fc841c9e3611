import vscode = require('vscode');
import { DEFAULT_BASE_URL } from '../config/settings';
import { isArceeError } from '../providers/errors';
import { resolveEndpoints } from '../providers/url';
import type { ArceeService } from '../services/arceeService';
import { showError } from '../services/errorUi';
import { signalFromToken } from '../services/dispose';

export interface ConnectionResult {
  ok: boolean;
  model?: string | null;
  text?: string;
  firstTokenMs?: number;
  totalMs?: number;
  errorKind?: string;
}

/**
 * `Arcee: Test Connection`: one small streamed request with the current settings and key, reporting which
 * model answered and how fast. Returns what it measured (for automation).
 */
export function connectionCommands(service: ArceeService) {
  const run = async (): Promise<ConnectionResult> => {
    const client = await service.client();
    if (!client) return { ok: false, errorKind: 'auth' };
    const request = service.request([{ role: 'user', content: 'Reply with the single word OK.' }], {
      max_tokens: 16,
      n: null,
      logprobs: null,
      top_logprobs: null,
    });
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Arcee: testing ${client.endpoints.host}…`,
        cancellable: true,
      },
      async (_progress, token): Promise<ConnectionResult> => {
        const { signal, dispose } = signalFromToken(token);
        const started = Date.now();
        let firstTokenMs: number | undefined;
        try {
          for await (const ev of client.streamChat(request, { signal })) {
            if (ev.type === 'text' && firstTokenMs === undefined) firstTokenMs = Date.now() - started;
            if (ev.type === 'done') {
              const totalMs = Date.now() - started;
              const text = ev.result.choices[0]?.content ?? '';
              const model = ev.result.model ?? request.model;
              void vscode.window.showInformationMessage(
                `Arcee: ${client.endpoints.host} answered with ${model} in ${totalMs} ms${firstTokenMs !== undefined ? ` (first token after ${firstTokenMs} ms)` : ''}.`,
              );
              return { ok: true, model, text, firstTokenMs, totalMs };
            }
          }
          return { ok: false, errorKind: 'truncated' };
        } catch (e) {
          void showError(service.log, e, () => vscode.commands.executeCommand('arcee.testConnection'));
          return { ok: false, errorKind: isArceeError(e) ? e.kind : 'unknown' };
        } finally {
          dispose();
        }
      },
    );
  };
  return { 'arcee.setBaseUrl': () => setBaseUrl(service), 'arcee.testConnection': run };
}

/**
 * `Arcee: Set Server URL…`: the base URL of Arcee or of any OpenAI-compatible server (llama.cpp, vLLM, Ollama),
 * checked as it is typed and written to user settings; an empty box goes back to Arcee's. Returns the URL set.
 */
async function setBaseUrl(service: ArceeService): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Arcee: Set Server URL',
    prompt: `Arcee's API, or a local OpenAI-compatible server such as llama.cpp (http://127.0.0.1:8080/v1), vLLM or Ollama (http://127.0.0.1:11434/v1). Leave empty for ${DEFAULT_BASE_URL}.`,
    value: service.settings.baseUrl,
    placeHolder: DEFAULT_BASE_URL,
    ignoreFocusOut: true,
    validateInput: (text) => {
      if (!text.trim()) return undefined;
      try {
        resolveEndpoints(text);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  });
  if (value === undefined) return undefined;
  const url = value.trim();
  await vscode.workspace
    .getConfiguration('arcee')
    .update('baseUrl', url || undefined, vscode.ConfigurationTarget.Global);
  service.log.info(`Server URL set to ${url || DEFAULT_BASE_URL}`);
  return url || DEFAULT_BASE_URL;
}
