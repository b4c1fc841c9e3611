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
  type ToolPreflight,
} from './definitions';
import type { SearchHit, SearchJob } from './searchWorker';
import { settingValue } from '../config/trust';
import {
  checkedFile,
  checkTarget,
  findFiles,
  inspectPath,
  keepInside,
  outsideNote,
  readText,
  relative,
  throwIfAborted,
  type Target,
} from './workspaceFiles';

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

async function run(a: ToolArgs, signal: AbortSignal, checked: ToolPreflight | undefined): Promise<string> {
  switch (a.name) {
    case 'read_file': {
      const uri = await checkedFile(a.path, checked);
      const text = await readText(uri);
      return `${relative(uri)}:\n${numberedLines(text, a.startLine ?? 1, a.endLine)}`;
    }
    case 'list_files': {
      const max = a.maxResults ?? LIMITS.listFiles;
      const found = await findFiles(a.glob, max + 1, signal);
      const files = found.files.map((f) => f.path);
      const note = outsideNote(found.outside);
      if (!files.length) return [`No files match ${a.glob ?? '**/*'}.`, note].filter(Boolean).join('\n');
      const shown = files.slice(0, max);
      return [...shown, files.length > max ? '… (more files match; narrow the glob)' : '', note]
        .filter(Boolean)
        .join('\n');
    }
    case 'search_text': {
      const re = compileQuery(a.query, a.isRegex === true);
      const max = a.maxResults ?? LIMITS.searchResults;
      const found = await findFiles(a.glob, LIMITS.searchFiles, signal);
      const files: { path: string; text: string }[] = [];
      let skipped = 0;
      let secrets = 0;
      let chars = 0;
      for (const f of found.files) {
        throwIfAborted(signal);
        // A search must not show a line of a secret: those files are read only by read_file, when allowed.
        if (f.secret) {
          secrets++;
          continue;
        }
        if (chars > LIMITS.searchTotalChars) {
          skipped++;
          continue;
        }
        try {
          const text = await readText(f.uri);
          chars += text.length;
          files.push({ path: f.path, text });
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
        found.files.length + found.outside >= LIMITS.searchFiles
          ? `(searched the first ${LIMITS.searchFiles} files only; narrow the glob)`
          : '',
        skipped
          ? `(${skipped} binary or very large files skipped, or past ${LIMITS.searchTotalChars / 1e6} M characters in all)`
          : '',
        secrets
          ? `(${secrets} ${secrets === 1 ? 'file' : 'files'} that may hold secrets not searched; read_file asks the user for one of them)`
          : '',
        outsideNote(found.outside),
      ].filter(Boolean);
      return [head, ...notes].join('\n');
    }
    case 'get_diagnostics': {
      let entries: [Target, readonly vscode.Diagnostic[]][];
      const notes: string[] = [];
      if (a.path) {
        const uri = await checkedFile(a.path, checked);
        entries = [[{ uri, path: relative(uri), outside: false, secret: false }, vscode.languages.getDiagnostics(uri)]];
      } else {
        const all = vscode.languages
          .getDiagnostics()
          .filter(([uri]) => vscode.workspace.getWorkspaceFolder(uri) !== undefined);
        const found = await keepInside(
          all.map(([uri]) => uri),
          signal,
        );
        const byUri = new Map(all.map(([uri, d]) => [uri.toString(), d]));
        // A message may quote the line it is about: files that may hold secrets are left out here too.
        const secrets = found.files.filter((f) => f.secret).length;
        entries = found.files.filter((f) => !f.secret).map((f) => [f, byUri.get(f.uri.toString()) ?? []]);
        if (secrets)
          notes.push(
            `(${secrets} ${secrets === 1 ? 'file' : 'files'} that may hold secrets left out; ask for one path to see its problems, with the user's approval)`,
          );
        notes.push(outsideNote(found.outside));
      }
      const out = formatDiagnostics(
        entries.map(([f, diags]) => ({
          path: f.path,
          items: diags.map((d) => ({
            line: d.range.start.line + 1,
            column: d.range.start.character + 1,
            severity: SEVERITY[d.severity] ?? 'info',
            message: d.message,
            source: d.source,
          })),
        })),
      );
      return [
        out || (a.path ? `No problems reported for ${a.path}.` : 'No problems reported in the workspace.'),
        ...notes,
      ]
        .filter(Boolean)
        .join('\n');
    }
  }
}

/**
 * What is known of a call before the user is asked: refused (its file leads outside the workspace), asked
 * for even with auto-approval (a file that may hold secrets), and where a symbolic link really leads. A call
 * whose arguments or file are wrong gets nothing here: its run says what is wrong. Never rejects.
 */
export async function preflightWorkspaceTool(name: string, argumentsJson: string): Promise<ToolPreflight> {
  try {
    const a = parseToolArgs(name, argumentsJson);
    const path = a.name === 'read_file' || a.name === 'get_diagnostics' ? a.path : undefined;
    return path ? checkTarget(await inspectPath(path), path) : {};
  } catch {
    return {};
  }
}

/**
 * Runs one call. Resolves with the text for the model; rejects with an Error that says what went wrong.
 * `checked` is what preflightWorkspaceTool said before the user was asked: without it, a file that may hold
 * secrets is refused (no one allowed it).
 */
export async function runWorkspaceTool(
  name: string,
  argumentsJson: string,
  signal: AbortSignal,
  checked?: ToolPreflight,
): Promise<string> {
  const args = parseToolArgs(name, argumentsJson);
  throwIfAborted(signal);
  return truncateResult(await run(args, signal, checked));
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
