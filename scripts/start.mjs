// `npm start`: sets up what is missing, builds the extension and serves VS Code (code-server) on a free
// 127.0.0.1 port with the extension loaded from this folder, on a demo workspace. Prints the URL to open in
// a browser; runs until Ctrl+C. Settings and secrets live in a throwaway profile, gone when it stops.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';
import { setup } from './setup.mjs';

function npmRun(script) {
  const result = spawnSync('npm', ['run', '-s', script], { cwd: repoRoot, stdio: 'inherit', timeout: 10 * 60_000 });
  return result.status === 0;
}

/** A small workspace to try the extension on; kept between runs so edits there survive. */
function demoWorkspace() {
  const dir = path.join(repoRoot, '.cache', 'demo-workspace');
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'README.md'),
      '# Arcee demo workspace\n\nRun **Arcee: Set API Key** from the command palette (F1), then try the commands under **Arcee:**.\n',
    );
    fs.writeFileSync(
      path.join(dir, 'fib.py'),
      'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n\nprint([fib(i) for i in range(10)])\n',
    );
  }
  return dir;
}

async function main() {
  await setup();
  if (!npmRun('build')) throw new Error('npm run build failed');
  // The test support code (compiled to out/) knows how to start code-server; reuse it.
  if (!npmRun('compile-tests')) console.error('[start] compile-tests reported errors; trying the emitted code anyway');
  const support = path.join(repoRoot, 'out', 'test', 'support', 'codeServer.js');
  const { startCodeServer } = await import(support);
  const folder = process.env.ARCEE_START_FOLDER ?? demoWorkspace();
  // The newest VS Code by default (its Chat view runs on Arcee's models); ARCEE_VSCODE=floor opens 1.104. The
  // newest ignores the URL's extensionDevelopmentPath in a normal browser, so the working tree is linked into
  // its extensions folder instead.
  const newest = (process.env.ARCEE_VSCODE ?? 'newest') === 'newest';
  process.env.ARCEE_VSCODE = newest ? 'newest' : 'floor';
  const server = await startCodeServer({
    folder,
    userSettings: { 'workbench.startupEditor': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false },
    linkedExtensions: newest ? [repoRoot] : [],
    onOutput: process.env.ARCEE_START_VERBOSE === '1' ? (line) => console.log(`[code-server] ${line}`) : undefined,
  });
  const url = server.workbenchUrl(newest ? { folder } : { folder, extensionDevelopmentPath: repoRoot });
  console.log(`\nVS Code (code-server ${newest ? 'newest' : 'at the 1.104 floor'}) with the Arcee extension from ${repoRoot}:\n\n  ${url}\n`);
  console.log('Open that URL in a browser on this machine. After changing the code, run `npm run build` (or');
  console.log('`npm run watch`) and reload the page. Ctrl+C stops the server.\n');
  const why = await new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => resolve(signal));
    void server.exited.then((how) => resolve(`code-server exited (${how})`));
  });
  console.log(`\n${why}: stopping code-server…`);
  await server.stop();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
