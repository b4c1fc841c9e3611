import vscode = require('vscode');
import { isArceeError } from '../providers/errors';
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
    const request = service.request([{ role: 'user', content: 'Reply with the single word OK.' }], { max_tokens: 16, n: null, logprobs: null, top_logprobs: null });
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Arcee: testing ${client.endpoints.host}…`, cancellable: true },
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
  return { 'arcee.testConnection': run };
}
