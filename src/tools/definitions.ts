/**
 * The read-only workspace tools the chat offers a model: their JSON schemas, the checking of a model's
 * arguments, the one-line description a user approves, and the pure text work (line slicing, searching,
 * truncating). vscode-free: `workspaceTools.ts` does the file access.
 */
import type { ToolDefinition } from '../providers/api';

export type ToolName = 'read_file' | 'list_files' | 'search_text' | 'get_diagnostics';

export type ToolArgs =
  | { name: 'read_file'; path: string; startLine?: number; endLine?: number }
  | { name: 'list_files'; glob?: string; maxResults?: number }
  | { name: 'search_text'; query: string; isRegex?: boolean; glob?: string; maxResults?: number }
  | { name: 'get_diagnostics'; path?: string };

/**
 * What is known about a call before the user is asked and before it runs (workspaceTools'
 * preflightWorkspaceTool): the run checks the same things again and refuses when they changed.
 */
export interface ToolPreflight {
  /** Refused without asking: the sentence the model gets as the result. */
  refused?: string;
  /** Why the user must allow this call even when tools run without asking (a file that may hold secrets). */
  needsApproval?: string;
  /** Set when a symbolic link leads elsewhere in the workspace: the path the call names… */
  path?: string;
  /** …and the workspace path of the file it really reads. */
  realPath?: string;
}

/** What a tool may send back: a model's context is precious, and a whole repository is not an answer. */
export const LIMITS = {
  readLines: 400,
  resultChars: 24_000,
  listFiles: 200,
  searchResults: 100,
  searchFiles: 2_000,
  searchTotalChars: 50_000_000,
  diagnostics: 200,
} as const;

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'read_file',
      description: `Read a text file of the open workspace, with line numbers. At most ${LIMITS.readLines} lines per call; use startLine/endLine for more.`,
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Workspace-relative path, e.g. "src/index.ts".' },
          startLine: { type: 'integer', minimum: 1, description: 'First line (1-based). Default 1.' },
          endLine: { type: 'integer', minimum: 1, description: 'Last line (inclusive).' },
        },
        required: ['path'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'list_files',
      description: `List workspace files matching a glob (default all), without ignored folders. At most ${LIMITS.listFiles} paths.`,
      parameters: {
        type: 'object',
        properties: {
          glob: { type: 'string', description: 'A glob such as "src/**/*.ts". Default "**/*".' },
          maxResults: { type: 'integer', minimum: 1, maximum: LIMITS.listFiles },
        },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search_text',
      description: `Search the workspace's text files for a string or regular expression; returns path:line: text for each match, at most ${LIMITS.searchResults}.`,
      parameters: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'The text to find (case-insensitive unless isRegex).' },
          isRegex: { type: 'boolean', description: 'Treat query as a JavaScript regular expression.' },
          glob: { type: 'string', description: 'Only files matching this glob.' },
          maxResults: { type: 'integer', minimum: 1, maximum: LIMITS.searchResults },
        },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_diagnostics',
      description:
        'The errors and warnings VS Code reports (compiler, linter) for one file, or for the whole workspace when no path is given.',
      parameters: {
        type: 'object',
        properties: { path: { type: 'string', description: 'Workspace-relative path. Omit for every file.' } },
      },
    },
  },
];

export const TOOL_NAMES: ReadonlySet<string> = new Set(TOOL_DEFINITIONS.map((t) => t.function.name));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optInt(
  o: Record<string, unknown>,
  key: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    throw new Error(`"${key}" must be a whole number ≥ ${min}.`);
  return Math.min(n, max);
}

function optString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Error(`"${key}" must be a string.`);
  return v;
}

/**
 * A model's call → checked arguments, or an error whose message goes back to the model (so it can correct
 * itself). Never throws anything but `Error`.
 */
export function parseToolArgs(name: string, json: string): ToolArgs {
  if (!TOOL_NAMES.has(name))
    throw new Error(`There is no tool named "${name}". The tools are: ${[...TOOL_NAMES].join(', ')}.`);
  let raw: unknown;
  try {
    raw = json.trim() ? JSON.parse(json) : {};
  } catch {
    throw new Error('The arguments are not valid JSON.');
  }
  if (!isRecord(raw)) throw new Error('The arguments must be a JSON object.');
  switch (name as ToolName) {
    case 'read_file': {
      const path = optString(raw, 'path');
      if (!path) throw new Error('"path" is required.');
      const startLine = optInt(raw, 'startLine', 1);
      const endLine = optInt(raw, 'endLine', 1);
      if (startLine !== undefined && endLine !== undefined && endLine < startLine)
        throw new Error('"endLine" is before "startLine".');
      return { name: 'read_file', path, startLine, endLine };
    }
    case 'list_files':
      return {
        name: 'list_files',
        glob: optString(raw, 'glob'),
        maxResults: optInt(raw, 'maxResults', 1, LIMITS.listFiles),
      };
    case 'search_text': {
      const query = optString(raw, 'query');
      if (!query) throw new Error('"query" is required.');
      const isRegex = raw.isRegex === true;
      if (isRegex) compileQuery(query, true);
      return {
        name: 'search_text',
        query,
        isRegex,
        glob: optString(raw, 'glob'),
        maxResults: optInt(raw, 'maxResults', 1, LIMITS.searchResults),
      };
    }
    case 'get_diagnostics':
      return { name: 'get_diagnostics', path: optString(raw, 'path') };
  }
}

/** The sentence a user approves: what the tool will read, in words. */
export function describeToolCall(name: string, json: string): string {
  let a: ToolArgs;
  try {
    a = parseToolArgs(name, json);
  } catch {
    return `${name || 'A tool'} (with arguments it cannot use)`;
  }
  switch (a.name) {
    case 'read_file':
      return a.startLine || a.endLine
        ? `Read ${a.path}, lines ${a.startLine ?? 1}–${a.endLine ?? 'end'}`
        : `Read ${a.path}`;
    case 'list_files':
      return `List files${a.glob ? ` matching ${a.glob}` : ''}`;
    case 'search_text':
      return `Search for ${a.isRegex ? `/${a.query}/` : `"${a.query}"`}${a.glob ? ` in ${a.glob}` : ''}`;
    case 'get_diagnostics':
      return a.path ? `Get problems in ${a.path}` : 'Get problems in the workspace';
  }
}

/**
 * A workspace-relative path, normalised, or an error when it leaves the workspace (`..`, absolute paths,
 * drive letters, URIs). Backslashes count as separators.
 */
export function safeRelativePath(input: string): string {
  const p = input.trim().replace(/\\/g, '/');
  if (!p) throw new Error('The path is empty.');
  if (/^[a-z][\w+.-]*:/i.test(p) || p.startsWith('/') || p.startsWith('~'))
    throw new Error(`"${input}" is not a workspace-relative path.`);
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw new Error(`"${input}" leaves the workspace.`);
    parts.push(seg);
  }
  if (!parts.length) throw new Error(`"${input}" names the workspace itself, not a file.`);
  return parts.join('/');
}

/** Lines `start`–`end` (1-based, inclusive, clamped) with numbers, at most `LIMITS.readLines` of them. */
export function numberedLines(text: string, start = 1, end?: number): string {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  if (start > total) return `(the file has ${total} line${total === 1 ? '' : 's'}; line ${start} is past its end)`;
  const last = Math.min(end ?? total, total, start + LIMITS.readLines - 1);
  const width = String(last).length;
  const body = lines
    .slice(start - 1, last)
    .map((l, i) => `${String(start + i).padStart(width)}  ${l}`)
    .join('\n');
  const more = last < (end ?? total) ? `\n… (${total} lines in all; ask for startLine ${last + 1} to read on)` : '';
  return `${body}${more}`;
}

export function compileQuery(query: string, isRegex: boolean): RegExp {
  try {
    return isRegex ? new RegExp(query) : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  } catch (e) {
    throw new Error(`"${query}" is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface TextMatch {
  line: number;
  text: string;
}

/** Matching lines of one file (1-based), each cut to 200 characters around the match. */
export function searchLines(text: string, re: RegExp, max: number): TextMatch[] {
  const out: TextMatch[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && out.length < max; i++) {
    const line = lines[i];
    const m = re.exec(line);
    if (!m) continue;
    let shown = line.trim();
    if (shown.length > 200) {
      const at = Math.max(0, m.index - 80);
      shown = `${at > 0 ? '…' : ''}${line.slice(at, at + 200).trim()}…`;
    }
    out.push({ line: i + 1, text: shown });
  }
  return out;
}

/** True for content that is not text (a NUL in the first 8 KB, as git decides). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Cuts a result to `LIMITS.resultChars`, saying so, at a line break where possible. */
export function truncateResult(text: string, max: number = LIMITS.resultChars): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  const at = cut > max * 0.8 ? cut : max;
  return `${text.slice(0, at)}\n… (cut: ${text.length - at} more characters)`;
}

export interface DiagnosticLine {
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
}

const SEVERITY_ORDER = ['error', 'warning', 'info', 'hint'] as const;

/**
 * Problems as `path:line:col: severity: message [source]`, one per line. Past `LIMITS.diagnostics` lines, a
 * count per file comes first (so no file goes unmentioned), then the first lines, errors before the rest.
 */
export function formatDiagnostics(files: { path: string; items: DiagnosticLine[] }[]): string {
  const withItems = files.filter((f) => f.items.length);
  const lineOf = (path: string, d: DiagnosticLine): string =>
    `${path}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.source ? ` [${d.source}]` : ''}`;
  const all = withItems.flatMap((f) => f.items.map((d) => ({ path: f.path, d })));
  if (all.length <= LIMITS.diagnostics) return all.map((x) => lineOf(x.path, x.d)).join('\n');
  const counts = (items: DiagnosticLine[]): string =>
    SEVERITY_ORDER.map((sev) => [sev, items.filter((d) => d.severity === sev).length] as const)
      .filter(([, n]) => n > 0)
      .map(([sev, n]) => `${n} ${sev}${n === 1 ? '' : 's'}`)
      .join(', ');
  const summary = [...withItems]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => `${f.path}: ${counts(f.items)}`);
  const first = [...all]
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.d.severity) - SEVERITY_ORDER.indexOf(b.d.severity))
    .slice(0, LIMITS.diagnostics)
    .map((x) => lineOf(x.path, x.d));
  return [
    `${all.length} problems in ${withItems.length} files:`,
    ...summary,
    '',
    `The first ${LIMITS.diagnostics}, errors first (ask for one path to see all of its problems):`,
    ...first,
  ].join('\n');
}
