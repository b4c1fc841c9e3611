/**
 * Runs the built terminal client (dist/cli.js) as a child process, the way a shell does, for the CLI tests.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useFakeServer, type FakeServer } from './fakeServer';
import { repoRoot } from './paths';

export const CLI = path.join(repoRoot, 'dist', 'cli.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only PATH and what the test passes: no key or base URL leaks in from the machine running the tests. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...env };
}

/** Runs the client to its end (killed after 15 s) with its output on two pipes. */
export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/**
 * Runs the client with stdout and stderr on one file, as a terminal shows them: in the order they were written.
 * Returns that text and the exit code.
 */
export async function runCliMerged(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-cli-'));
  const file = path.join(dir, 'output.txt');
  const fd = fs.openSync(file, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env), stdio: ['ignore', fd, fd] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, output: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether process `pid` watches its fd 0 (standard input) in an epoll set, i.e. libuv is reading it (Linux). */
function watchesStdin(pid: number): boolean {
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (
      target === 'anon_inode:[eventpoll]' &&
      /^tfd:\s+0\s/m.test(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))
    )
      return true;
  }
  return false;
}

/**
 * Waits (at most `timeoutMs`) until the client reads its standard input, so a signal sent then finds it waiting for
 * the prompt rather than still starting (which takes longer than a fixed sleep on a loaded machine). Without
 * /proc (not Linux) it waits 300 ms.
 */
export async function untilReadingStdin(pid: number, timeoutMs = 10_000): Promise<void> {
  if (!fs.existsSync(`/proc/${pid}/fd`)) {
    await new Promise((r) => setTimeout(r, 300));
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (!watchesStdin(pid)) {
    if (Date.now() > deadline) throw new Error(`the client did not read its standard input within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts the client with three pipes and leaves it to the test (signals, paused reading). */
export function spawnCli(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * The describe's fake server on 127.0.0.1 (useFakeServer: started once, reset before each test) and the
 * environment that points the terminal client at it with `key`.
 */
export function useCliServer(key: string): { readonly server: FakeServer; readonly env: Record<string, string> } {
  const fake = useFakeServer();
  return {
    get server() {
      return fake.server;
    },
    get env() {
      return { ARCEE_BASE_URL: fake.server.baseUrl, ARCEE_API_KEY: key };
    },
  };
}
