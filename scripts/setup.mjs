// What `npm test` and `npm start` need before they can run, installed when missing: the Debian packages
// (as root; otherwise it says what to install), node_modules (`npm ci`) and code-server (scripts/codeServer.mjs).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, repoRoot } from './codeServer.mjs';

/** Debian package → how to tell it is there without dpkg. */
const SYSTEM_PACKAGES = {
  chromium: () => fs.existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  ripgrep: () => fs.existsSync('/usr/bin/rg'),
  'libkrb5-dev': () => fs.existsSync('/usr/include/gssapi/gssapi.h'),
  // The terminal client's proxy and TLS tests: a real proxy, and certificates made by a private CA.
  tinyproxy: () => fs.existsSync('/usr/bin/tinyproxy'),
  openssl: () => fs.existsSync('/usr/bin/openssl'),
};

function log(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function installed(pkg) {
  const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  if (q.status === 0 && q.stdout.includes('install ok installed')) return true;
  return SYSTEM_PACKAGES[pkg]();
}

function sh(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', timeout: 20 * 60_000, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
}

/** Installs the SYSTEM_PACKAGES with apt-get when running as root; otherwise fails clearly. */
export function ensureSystemPackages() {
  const missing = Object.keys(SYSTEM_PACKAGES).filter((pkg) => !installed(pkg));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}. Install them, then run again:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update'], { env });
  sh('apt-get', ['install', '-y', ...missing], { env });
}

/** Runs `npm ci` when node_modules is missing (a fresh clone). */
export function ensureNodeModules() {
  if (fs.existsSync(path.join(repoRoot, 'node_modules', '.package-lock.json'))) return;
  sh('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot });
}

/** Everything `npm test` and `npm start` need; returns how to start the newest code-server. */
export async function setup() {
  const started = Date.now();
  ensureSystemPackages();
  ensureNodeModules();
  // Both VS Codes the tests run on; `npm start` opens the newest.
  await ensureCodeServer('floor');
  const codeServer = await ensureCodeServer('newest');
  const elapsed = Math.round((Date.now() - started) / 1000);
  if (elapsed > 1) log(`set-up done in ${elapsed} s`);
  return codeServer;
}
