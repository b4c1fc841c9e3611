#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests() starts. It takes the same
// arguments (--extensionDevelopmentPath=… --extensionTestsPath=… <workspace>), runs them in code-server with
// headless Chromium as the window, prints the tests' output and exits with their exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { OUTPUT_MARK } from '../integration/index';
import { enableSmokeTestDriver, launchChromium } from './chromium';
import { repoRoot, startCodeServer, vscodeChoice, type CodeServer } from './codeServer';

interface ShimArgs {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  folder?: string;
}

function parseArgs(argv: string[]): ShimArgs {
  let extensionDevelopmentPath: string | undefined;
  let extensionTestsPath: string | undefined;
  let folder: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string => inline ?? argv[++i];
    if (flag === '--extensionDevelopmentPath') extensionDevelopmentPath = value();
    else if (flag === '--extensionTestsPath') extensionTestsPath = value();
    else if (flag === '--extensions-dir' || flag === '--user-data-dir')
      value(); // the run dir has its own
    else if (!arg.startsWith('-')) folder = arg;
    // Other desktop flags (--no-sandbox, --disable-updates, …) mean nothing to code-server.
  }
  if (!extensionDevelopmentPath || !extensionTestsPath) {
    throw new Error('usage: vscodeShim --extensionDevelopmentPath=<dir> --extensionTestsPath=<module> [folder]');
  }
  return { extensionDevelopmentPath, extensionTestsPath, folder };
}

/** Keeps the workbench's log and code-server's output of the last run in test-artifacts/ for debugging. */
function saveLog(workbenchLog: string[], server: CodeServer | undefined): void {
  try {
    const dir = path.join(repoRoot(), 'test-artifacts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'integration-workbench.log'), `${workbenchLog.join('\n')}\n`);
    if (server) fs.writeFileSync(path.join(dir, 'integration-code-server.log'), server.output());
  } catch {
    // Only a debugging aid.
  }
}

const verbose = process.env.ARCEE_TEST_VERBOSE === '1';
const timeoutMs = Number(process.env.ARCEE_TEST_TIMEOUT_MS ?? 5 * 60_000);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  const workbenchLog: string[] = [];
  let testsStarted = false;
  const cleanup = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    saveLog(workbenchLog, server);
    await context?.close().catch(() => undefined);
    await server?.stop();
  };
  // test-electron forwards Ctrl+C as SIGINT; never leave code-server or Chromium behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`[shim] the test run took longer than ${timeoutMs / 1000} s; stopping it`);
        resolve(124);
      }, timeoutMs);
    });
    const run = async (): Promise<number> => {
      server = await startCodeServer({
        folder: args.folder,
        onOutput: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
      });
      context = await launchChromium({ profileDir: server.dirs.chromiumProfile, homeDir: server.dirs.root });
      const page = context.pages()[0] ?? (await context.newPage());
      let settle: (code: number) => void = () => undefined;
      const exit = new Promise<number>((resolve) => (settle = resolve));
      // The workbench calls these when the test module's run() settles, and with its log lines.
      await page.exposeFunction('codeAutomationExit', (code: unknown) => settle(typeof code === 'number' ? code : 1));
      await page.exposeFunction('codeAutomationLog', (level: unknown, message: unknown) => {
        const text = String(message);
        workbenchLog.push(`[${String(level)}] ${text}`);
        const at = text.indexOf(OUTPUT_MARK);
        // Mocha's lines carry the mark. The extension host's console (the tests' console.log) cannot be
        // marked (VS Code makes console.* read-only there), so once the tests have started every line is
        // shown; before that, the workbench's start-up log (gallery lookups failing offline…) only when verbose.
        if (at >= 0) {
          testsStarted = true;
          process.stdout.write(`${text.slice(at + OUTPUT_MARK.length)}\n`);
        } else if (testsStarted || verbose) {
          process.stdout.write(`${text}\n`);
        }
      });
      // The floor reads the payload as it is; newer builds only with the smoke-test driver on.
      if (vscodeChoice() === 'newest') await enableSmokeTestDriver(page);
      if (verbose) page.on('console', (msg) => console.log(`[browser ${msg.type()}] ${msg.text()}`));
      page.on('pageerror', (error) => console.error(`[browser error] ${error.message}`));
      const url = server.workbenchUrl({
        folder: args.folder,
        extensionDevelopmentPath: path.resolve(args.extensionDevelopmentPath),
        extensionTestsPath: path.resolve(args.extensionTestsPath),
      });
      if (verbose) console.log(`[shim] ${url}`);
      await page.goto(url, { timeout: 60_000 });
      return exit;
    };
    const code = await Promise.race([run(), timedOut]);
    if (code !== 0 && !testsStarted) {
      // Failed before mocha printed anything (the test module did not load, say): show why.
      console.error(`[shim] no test output; the end of the workbench log:\n${workbenchLog.slice(-30).join('\n')}`);
    }
    return code;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[shim] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
