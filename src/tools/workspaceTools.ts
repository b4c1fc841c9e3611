/**
 * Runs the chat's read-only workspace tools against the open folders. Every result is a string for a `tool`
 * message; every failure is an Error whose message is sent back to the model instead. Nothing here writes.
 */
import { Worker } from 'node:worker_threads';
import vscode = require('vscode');
import {
  compileQuery,
  formatDiagnostics,
  LIMITS,
  numberedLines,
  parseToolArgs,
  searchLines,
  truncateResult,
  type DiagnosticLine,
  type ToolArgs,
} from './definitions';
import type { SearchHit, SearchJob } from './searchWorker';
import { settingValue } from '../config/trust';
import { findFiles, readText, relative, resolveFile, throwIfAborted } from './workspaceFiles';

const SEVERITY: DiagnosticLine['severity'][] = ['error', 'warning', 'info', 'hint'];

const EXTENSION_ID = 'arcee-community.arcee-vscode';
/** How long a regular expression search may take before its worker is stopped. */
export const REGEX_TIME_LIMIT_MS = 5_000;

/** Runs a regex search in `dist/searchWorker.js`; stops it after REGEX_TIME_LIMIT_MS or on abort. */
function searchInWorker(job: SearchJob, signal: AbortSignal): Promise<SearchHit[]> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext)
    return Promise.reject(
      new Error('The search worker is missing (the Arcee extension is not installed as expected).'),
    );
  const worker = new Worker(vscode.Uri.joinPath(ext.extensionUri, 'dist', 'searchWorker.js').fsPath);
  return new Promise<SearchHit[]>((resolve, reject) => {
    const finish = (fn: () => void): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `The regular expression took longer than ${REGEX_TIME_LIMIT_MS / 1000} s and was stopped; simplify it (nested quantifiers such as (a+)+ backtrack), or search for plain text.`,
            ),
          ),
        ),
      REGEX_TIME_LIMIT_MS,
    );
    const onAbort = (): void => finish(() => reject(new Error('Stopped.')));
    signal.addEventListener('abort', onAbort);
    worker.once('message', (hits: SearchHit[]) => finish(() => resolve(hits)));
    worker.once('error', (e) => finish(() => reject(new Error(`The search failed: ${e.message}`))));
    worker.postMessage(job);
  });
}

async function run(a: ToolArgs, signal: AbortSignal): Promise<string> {
  switch (a.name) {
    case 'read_file': {
      const uri = await resolveFile(a.path);
      const text = await readText(uri);
      return `${relative(uri)}:\n${numberedLines(text, a.startLine ?? 1, a.endLine)}`;
    }
    case 'list_files': {
      const max = a.maxResults ?? LIMITS.listFiles;
      const files = await findFiles(a.glob, max + 1, signal);
      if (!files.length) return `No files match ${a.glob ?? '**/*'}.`;
      const shown = files.slice(0, max).map(relative);
      return files.length > max ? `${shown.join('\n')}\n… (more files match; narrow the glob)` : shown.join('\n');
    }
    case 'search_text': {
      const re = compileQuery(a.query, a.isRegex === true);
      const max = a.maxResults ?? LIMITS.searchResults;
      const uris = await findFiles(a.glob, LIMITS.searchFiles, signal);
      const files: { path: string; text: string }[] = [];
      let skipped = 0;
      let chars = 0;
      for (const uri of uris) {
        throwIfAborted(signal);
        if (chars > LIMITS.searchTotalChars) {
          skipped++;
          continue;
        }
        try {
          const text = await readText(uri);
          chars += text.length;
          files.push({ path: relative(uri), text });
        } catch {
          skipped++;
        }
      }
      // A model's regex may backtrack for minutes: it runs in a worker with a time limit. A literal query is
      // escaped, so it matches in linear time here.
      const hits = a.isRegex
        ? await searchInWorker({ pattern: re.source, flags: re.flags, files, max }, signal)
        : files.flatMap((f) => searchLines(f.text, re, max).map((m) => ({ path: f.path, ...m })));
      const out = hits.slice(0, max).map((m) => `${m.path}:${m.line}: ${m.text}`);
      const head = out.length
        ? out.join('\n')
        : `No matches for ${a.isRegex ? `/${a.query}/` : `"${a.query}"`} in ${files.length} files.`;
      const notes = [
        hits.length >= max ? `(stopped at ${max} matches)` : '',
        uris.length >= LIMITS.searchFiles
          ? `(searched the first ${LIMITS.searchFiles} files only; narrow the glob)`
          : '',
        skipped
          ? `(${skipped} binary or very large files skipped, or past ${LIMITS.searchTotalChars / 1e6} M characters in all)`
          : '',
      ].filter(Boolean);
      return [head, ...notes].join('\n');
    }
    case 'get_diagnostics': {
      let entries: [vscode.Uri, readonly vscode.Diagnostic[]][];
      if (a.path) {
        const uri = await resolveFile(a.path);
        entries = [[uri, vscode.languages.getDiagnostics(uri)]];
      } else {
        entries = vscode.languages
          .getDiagnostics()
          .filter(([uri]) => vscode.workspace.getWorkspaceFolder(uri) !== undefined);
      }
      const out = formatDiagnostics(
        entries.map(([uri, diags]) => ({
          path: relative(uri),
          items: diags.map((d) => ({
            line: d.range.start.line + 1,
            column: d.range.start.character + 1,
            severity: SEVERITY[d.severity] ?? 'info',
            message: d.message,
            source: d.source,
          })),
        })),
      );
      return out || (a.path ? `No problems reported for ${a.path}.` : 'No problems reported in the workspace.');
    }
  }
}

/** Runs one call. Resolves with the text for the model; rejects with an Error that says what went wrong. */
export async function runWorkspaceTool(name: string, argumentsJson: string, signal: AbortSignal): Promise<string> {
  const args = parseToolArgs(name, argumentsJson);
  throwIfAborted(signal);
  return truncateResult(await run(args, signal));
}

export interface ToolSettings {
  /** Offer the workspace tools to the model in the Arcee chat. */
  enabled: boolean;
  /** Run them without asking (they only read). */
  autoApprove: boolean;
  /** Answers per request, tool rounds included; the last one may not call tools. */
  maxRounds: number;
}

/**
 * The chat's tool settings, by where they come from (config/trust.ts): in Restricted Mode the tools are off, and
 * only the user's own settings may turn on auto-approval.
 */
export function readToolSettings(): ToolSettings {
  const c = vscode.workspace.getConfiguration('arcee.chatTools');
  const trusted = vscode.workspace.isTrusted;
  const get = (key: string): unknown => settingValue(`chatTools.${key}`, c.inspect(key), c.get(key), trusted).value;
  const rounds = get('maxRounds');
  return {
    enabled: trusted && get('enabled') !== false,
    autoApprove: get('autoApprove') === true,
    maxRounds: typeof rounds === 'number' && Number.isInteger(rounds) && rounds >= 1 ? Math.min(rounds, 20) : 5,
  };
}

/** "Always allow" on a tool call: the user setting, so it holds in every window. */
export async function allowToolsWithoutAsking(log: { info(message: string): void }): Promise<void> {
  await vscode.workspace
    .getConfiguration('arcee.chatTools')
    .update('autoApprove', true, vscode.ConfigurationTarget.Global);
  log.info('Read-only workspace tools now run without asking (arcee.chatTools.autoApprove).');
}
