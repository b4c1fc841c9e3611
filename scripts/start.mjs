// `npm start`: sets up what is missing, builds the extension and serves VS Code (code-server) on a free
// 127.0.0.1 port with the extension loaded from this folder, on a demo workspace. Prints the URL to open in
// a browser; runs until Ctrl+C. The profile (settings, chats, extension state) is kept in .cache/ from one run
// to the next; `npm start -- --fresh` uses a throwaway one. ARCEE_BASE_URL and ARCEE_MODEL go into its
// settings; ARCEE_API_KEY goes into its SecretStorage (through a private file the extension deletes), never
// into a settings file, a log or code-server's environment.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

/** The profile's user settings, with ARCEE_BASE_URL and ARCEE_MODEL written in; undefined leaves the file alone. */
function profileSettings(profileDir, defaults) {
  const file = profileDir && path.join(profileDir, 'user', 'User', 'settings.json');
  let settings = { ...defaults };
  if (file && fs.existsSync(file)) {
    try {
      settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      if (process.env.ARCEE_BASE_URL || process.env.ARCEE_MODEL) {
        console.error(
          `[start] ${file} is not plain JSON (comments?): ARCEE_BASE_URL / ARCEE_MODEL were not written into it`,
        );
      }
      return undefined;
    }
  }
  if (process.env.ARCEE_BASE_URL) settings['arcee.baseUrl'] = process.env.ARCEE_BASE_URL;
  if (process.env.ARCEE_MODEL) settings['arcee.model'] = process.env.ARCEE_MODEL;
  return settings;
}

/** ARCEE_API_KEY, taken out of this process's environment and written to a file only this user can read. */
function keyFile(dir) {
  const key = process.env.ARCEE_API_KEY?.trim();
  delete process.env.ARCEE_API_KEY;
  if (!key) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'start-key');
  fs.writeFileSync(file, key, { mode: 0o600 });
  return file;
}

async function main() {
  const fresh = process.argv.includes('--fresh');
  await setup();
  if (!npmRun('build')) throw new Error('npm run build failed');
  // The test support code (compiled to out/) knows how to start code-server; reuse it.
  if (!npmRun('compile-tests')) console.error('[start] compile-tests reported errors; trying the emitted code anyway');
  const support = path.join(repoRoot, 'out', 'test', 'support');
  const { startCodeServer } = await import(path.join(support, 'codeServer.js'));
  const { START_SETTINGS, startEnv } = await import(path.join(support, 'startProfile.js'));
  const folder = process.env.ARCEE_START_FOLDER ?? demoWorkspace();
  // The newest VS Code by default (its Chat view runs on Arcee's models); ARCEE_VSCODE=floor opens 1.104. The
  // newest ignores the URL's extensionDevelopmentPath in a normal browser, so the working tree is linked into
  // its extensions folder instead.
  const newest = (process.env.ARCEE_VSCODE ?? 'newest') === 'newest';
  process.env.ARCEE_VSCODE = newest ? 'newest' : 'floor';
  // A short path: code-server keeps a Unix socket in the profile.
  const profileDir = fresh
    ? undefined
    : (process.env.ARCEE_START_PROFILE ?? path.join(repoRoot, '.cache', `profile-${process.env.ARCEE_VSCODE}`));
  const keyDir = profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-start-'));
  const startKey = keyFile(keyDir);
  const options = {
    folder,
    profileDir,
    userSettings: profileSettings(profileDir, START_SETTINGS),
    env: startEnv({ keyFile: startKey, newest }),
    linkedExtensions: newest ? [repoRoot] : [],
    onOutput: process.env.ARCEE_START_VERBOSE === '1' ? (line) => console.log(`[code-server] ${line}`) : undefined,
  };
  // The browser keeps SecretStorage (the key) per origin: a kept profile listens on its port of last time.
  const portFile = profileDir && path.join(profileDir, 'port');
  const lastPort = portFile && fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8')) : undefined;
  let server;
  try {
    server = await startCodeServer({ ...options, port: lastPort });
  } catch (error) {
    if (!lastPort) throw error;
    console.error(
      `[start] port ${lastPort} is taken; using another (the browser will not have the key stored on the old one)`,
    );
    server = await startCodeServer(options);
  }
  if (portFile) fs.writeFileSync(portFile, String(server.port));
  const url = server.workbenchUrl(newest ? { folder } : { folder, extensionDevelopmentPath: repoRoot });
  console.log(
    `\nVS Code (code-server ${newest ? 'newest' : 'at the 1.104 floor'}) with the Arcee extension from ${repoRoot}:\n\n  ${url}\n`,
  );
  console.log(
    profileDir
      ? `Profile (kept between runs; \`npm start -- --fresh\` for a throwaway one): ${path.relative(repoRoot, profileDir)}`
      : 'A throwaway profile (--fresh).',
  );
  if (startKey) console.log("ARCEE_API_KEY goes into the profile's SecretStorage when the window opens.");
  console.log('Open that URL in a browser on this machine. After changing the code, run `npm run build` (or');
  console.log('`npm run watch`) and reload the page. Ctrl+C stops the server.\n');
  const why = await new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => resolve(signal));
    void server.exited.then((how) => resolve(`code-server exited (${how})`));
  });
  console.log(`\n${why}: stopping code-server…`);
  await server.stop();
  if (startKey) fs.rmSync(startKey, { force: true });
  if (!profileDir) fs.rmSync(keyDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
