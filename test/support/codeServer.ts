// Runs a real VS Code for tests: code-server (installed by scripts/codeServer.mjs) on 127.0.0.1 with a
// throwaway run directory, and headless Debian Chromium as its window. See /work/shared/TESTING.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { installUnpacked, installedFolder } from './extensionFolder';

/** The repository root: the nearest folder above this file with esbuild.mjs and package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'esbuild.mjs')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`repository root not found above ${__dirname}`);
}

export interface CodeServerInstall {
  /** The Node that code-server needs (22 for 4.104, 24 for 4.133+). */
  node: string;
  /** code-server's out/node/entry.js. */
  entry: string;
  version: string;
  /** Which of the pinned VS Codes: `floor` (the engines.vscode floor) or `newest`. */
  vscode: VscodeChoice;
}

export type VscodeChoice = 'floor' | 'newest';

/** The VS Code the tests run on: $ARCEE_VSCODE (`floor` or `newest`), default `floor`. */
export function vscodeChoice(): VscodeChoice {
  const value = process.env.ARCEE_VSCODE || 'floor';
  if (value !== 'floor' && value !== 'newest') throw new Error(`ARCEE_VSCODE=${value}: use floor or newest`);
  return value;
}

const installs = new Map<VscodeChoice, CodeServerInstall>();

/** Installs the chosen code-server into .cache/ if needed (scripts/codeServer.mjs) and says where it is. */
export function ensureCodeServer(): CodeServerInstall {
  const choice = vscodeChoice();
  const known = installs.get(choice);
  if (known) return known;
  const script = path.join(repoRoot(), 'scripts', 'codeServer.mjs');
  const result = spawnSync(process.execPath, [script, '--vscode', choice, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 45 * 60_000,
  });
  const last = result.stdout?.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !last.startsWith('{')) {
    throw new Error(
      `could not install code-server (node scripts/codeServer.mjs exited ${result.status ?? result.signal})`,
    );
  }
  const parsed = JSON.parse(last) as CodeServerInstall;
  installs.set(choice, parsed);
  return parsed;
}

export interface CodeServerOptions {
  /** The folder the workbench opens when the URL names none. */
  folder?: string;
  /**
   * Workspace Trust as a user has it: a folder opens in Restricted Mode until trusted. By default every folder is
   * trusted (`--disable-workspace-trust`). Needs `security.workspace.trust.enabled` in the user settings.
   */
  workspaceTrust?: boolean;
  /** Written to the user settings.json before start (an object is serialised as JSON). */
  userSettings?: Record<string, unknown> | string;
  /** Extra environment for code-server; it reaches the extension host (and so the extension and its tests). */
  env?: Record<string, string | undefined>;
  /** VSIX files installed into the run's extensions dir before start. */
  vsixFiles?: string[];
  /**
   * Extension folders copied into the run's extensions dir before start, as an installed extension (only the
   * files their `.vscodeignore` allowlist ships): how newer builds load a working tree without the URL payload.
   */
  unpackedExtensions?: string[];
  /**
   * Extension folders linked (not copied) into the run's extensions dir: a rebuild shows after a window reload.
   * How `npm start` loads the working tree on builds that ignore the URL payload.
   */
  linkedExtensions?: string[];
  /** Gets each line code-server prints; by default lines are kept and shown only when start fails. */
  onOutput?: (line: string) => void;
  /** How long to wait for /healthz. */
  startTimeoutMs?: number;
  /** Keep the run directory after stop() (also with ARCEE_KEEP_RUN_DIR=1). */
  keepRunDir?: boolean;
  /**
   * A profile kept between runs (user data, extensions, config) in this folder instead of a throwaway one; it is
   * never deleted. How `npm start` keeps settings, chats and the key from one run to the next.
   */
  profileDir?: string;
  /**
   * The port to listen on instead of a free one the kernel picks. The browser keeps SecretStorage per origin, so a
   * kept profile keeps its key only on the same port.
   */
  port?: number;
}

export interface RunDirs {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  config: string;
  chromiumProfile: string;
  tmp: string;
}

export interface CodeServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly dirs: RunDirs;
  /** What code-server printed so far. */
  output(): string;
  /** Settles when code-server exits, with how (e.g. "exit 1" or "SIGTERM"). */
  readonly exited: Promise<string>;
  /** The workbench URL for a folder, optionally with extensionDevelopmentPath / extensionTestsPath. */
  workbenchUrl(options?: WorkbenchUrlOptions): string;
  /** Stops code-server (its whole process group) and deletes the run directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface WorkbenchUrlOptions {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

function makeRunDirs(profileDir?: string): RunDirs {
  // Short path under the system temp dir: code-server puts a Unix socket in the user-data-dir.
  const root = profileDir ? path.resolve(profileDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-cs-'));
  const dirs: RunDirs = {
    root,
    userDataDir: path.join(root, 'user'),
    extensionsDir: path.join(root, 'ext'),
    config: path.join(root, 'config.yaml'),
    chromiumProfile: path.join(root, 'chromium'),
    tmp: path.join(root, 'tmp'),
  };
  for (const dir of [dirs.userDataDir, dirs.extensionsDir, dirs.chromiumProfile, dirs.tmp]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  for (const sub of ['config', 'data', 'cache']) fs.mkdirSync(path.join(root, 'xdg', sub), { recursive: true });
  fs.writeFileSync(dirs.config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  return dirs;
}

function childEnv(dirs: RunDirs, installNode: string, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Inherited VS Code variables (when run from a VS Code terminal) would point code-server at another instance.
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE') continue;
    env[key] = value;
  }
  Object.assign(env, extra, {
    XDG_CONFIG_HOME: path.join(dirs.root, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(dirs.root, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(dirs.root, 'xdg', 'cache'),
    TMPDIR: dirs.tmp,
    PATH: `${path.dirname(installNode)}${path.delimiter}${process.env.PATH ?? ''}`,
  });
  return env;
}

/** The run's own profile: user data, extensions and config, so nothing touches the user's. */
function profileArgs(dirs: RunDirs): string[] {
  return ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--config', dirs.config];
}

/** Installs VSIX files with code-server's CLI into the run's extensions dir. */
function installVsix(inst: CodeServerInstall, dirs: RunDirs, env: NodeJS.ProcessEnv, vsix: string): void {
  const result = spawnSync(inst.node, [inst.entry, ...profileArgs(dirs), '--install-extension', vsix, '--force'], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes started here and not yet stopped; killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/** Starts code-server on a free 127.0.0.1 port and waits until /healthz answers. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const inst = ensureCodeServer();
  const dirs = makeRunDirs(options.profileDir);
  const env = childEnv(dirs, inst.node, options.env ?? {});
  if (options.userSettings !== undefined) {
    const settingsDir = path.join(dirs.userDataDir, 'User');
    fs.mkdirSync(settingsDir, { recursive: true });
    const text =
      typeof options.userSettings === 'string' ? options.userSettings : JSON.stringify(options.userSettings, null, 2);
    fs.writeFileSync(path.join(settingsDir, 'settings.json'), text);
  }
  for (const vsix of options.vsixFiles ?? []) installVsix(inst, dirs, env, vsix);
  for (const folder of options.unpackedExtensions ?? []) installUnpacked(folder, dirs.extensionsDir);
  for (const folder of options.linkedExtensions ?? []) {
    const link = installedFolder(folder, dirs.extensionsDir);
    fs.rmSync(link, { recursive: true, force: true }); // a kept profile has the link of an earlier run
    fs.symlinkSync(path.resolve(folder), link, 'dir');
  }

  const args = [
    inst.entry,
    // Port 0: the kernel picks a free port and code-server prints it, so two runs never collide.
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    ...profileArgs(dirs),
  ];
  if (options.folder) args.push(options.folder);
  const child = spawn(inst.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  let exited: string | undefined;
  let settleExited: (how: string) => void = () => undefined;
  const exitedPromise = new Promise<string>((resolve) => (settleExited = resolve));
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output += text;
    if (options.onOutput) for (const line of text.split('\n')) if (line.trim()) options.onOutput(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit ${code}`;
    live.delete(child);
    settleExited(exited);
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    killGroup(child, 'SIGTERM');
    for (let i = 0; i < 50 && exited === undefined; i++) await sleep(100);
    // Whatever is left of the group (a file watcher outlives its parent otherwise).
    killGroup(child, 'SIGKILL');
    live.delete(child);
    if (!options.keepRunDir && !options.profileDir && process.env.ARCEE_KEEP_RUN_DIR !== '1') {
      fs.rmSync(dirs.root, { recursive: true, force: true, maxRetries: 3 });
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let port = 0;
  try {
    while (port === 0) {
      if (exited !== undefined) throw new Error(`code-server exited (${exited}) before it listened`);
      if (Date.now() > deadline) throw new Error('code-server did not print its address in time');
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) port = Number(match[1]);
      else await sleep(100);
    }
    while ((await get(`http://127.0.0.1:${port}/healthz`, 2000)) !== 200) {
      if (exited !== undefined) throw new Error(`code-server exited (${exited}) before /healthz answered`);
      if (Date.now() > deadline) throw new Error('code-server /healthz did not answer in time');
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- code-server output ---\n${output}`);
  }

  const origin = `http://127.0.0.1:${port}`;
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  return {
    origin,
    port,
    dirs,
    output: () => output,
    exited: exitedPromise,
    workbenchUrl(url: WorkbenchUrlOptions = {}): string {
      const payload: [string, string][] = [];
      if (url.extensionDevelopmentPath)
        payload.push(['extensionDevelopmentPath', remote(url.extensionDevelopmentPath)]);
      if (url.extensionTestsPath) payload.push(['extensionTestsPath', remote(url.extensionTestsPath)]);
      const query = new URLSearchParams();
      const folder = url.folder ?? options.folder;
      if (folder) query.set('folder', path.resolve(folder));
      if (payload.length) query.set('payload', JSON.stringify(payload));
      const q = query.toString();
      return `${origin}/${q ? `?${q}` : ''}`;
    },
    stop,
  };
}
