import vscode = require('vscode');
import type { ModelInfo } from '../providers/api';
import { describeModel } from '../providers/models';
import type { ArceeService } from '../services/arceeService';
import { showError } from '../services/errorUi';

interface ModelItem extends vscode.QuickPickItem {
  id?: string;
}

function items(models: ModelInfo[], current: string, typed: string): ModelItem[] {
  const out: ModelItem[] = models.map((m) => ({
    id: m.id,
    label: m.id === current ? `$(check) ${m.id}` : m.id,
    description: m.name !== m.id ? m.name : undefined,
    detail: describeModel(m) || undefined,
  }));
  const t = typed.trim();
  if (t && !models.some((m) => m.id === t))
    out.unshift({ id: t, label: `$(edit) Use "${t}"`, description: 'a model id the list does not show' });
  return out;
}

/**
 * `Arcee: Select Model`: a quick pick fed by `/models` (context length, price), with a refresh button and free
 * text for ids the list lacks. Given an id as the argument (e.g. from a keybinding) it switches directly.
 */
async function selectModel(service: ArceeService, given?: unknown): Promise<string | undefined> {
  if (typeof given === 'string' && given.trim()) {
    await service.setModel(given.trim());
    return given.trim();
  }
  const pick = vscode.window.createQuickPick<ModelItem>();
  pick.title = 'Arcee: Select Model';
  pick.placeholder = `Current: ${service.settings.model}. Type to filter, or type a model id.`;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const refresh: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('refresh'),
    tooltip: 'Reload the model list',
  };
  pick.buttons = [refresh];
  let models: ModelInfo[] = [];
  const controller = new AbortController();
  const load = async (force: boolean): Promise<void> => {
    pick.busy = true;
    try {
      const result = await service.models({ signal: controller.signal, refresh: force });
      models = result.models;
      pick.items = items(models, service.settings.model, pick.value);
      const active = pick.items.find((i) => i.id === service.settings.model);
      if (active) pick.activeItems = [active];
      if (result.source === 'fallback')
        pick.placeholder = `Could not load the model list (${result.error ?? 'unknown error'}); showing built-in models.`;
    } catch (e) {
      if (!controller.signal.aborted) void showError(service.log, e);
    } finally {
      pick.busy = false;
    }
  };
  let accepted = false;
  return new Promise<string | undefined>((resolve) => {
    const subs = [
      pick.onDidChangeValue((v) => (pick.items = items(models, service.settings.model, v))),
      pick.onDidTriggerButton(() => void load(true)),
      pick.onDidAccept(async () => {
        const chosen = pick.selectedItems[0]?.id ?? (pick.value.trim() || undefined);
        if (!chosen) return;
        accepted = true;
        pick.hide();
        try {
          await service.setModel(chosen);
          resolve(chosen);
        } catch (e) {
          void showError(service.log, e);
          resolve(undefined);
        }
      }),
      pick.onDidHide(() => {
        controller.abort();
        for (const s of subs) s.dispose();
        pick.dispose();
        if (!accepted) resolve(undefined);
      }),
    ];
    pick.show();
    void load(false);
  });
}

/** `Arcee: Select Model` (the status bar item that runs it is made at start-up: commands/register.ts). */
export function modelCommands(service: ArceeService) {
  return { 'arcee.selectModel': (given?: unknown) => selectModel(service, given) };
}
