// `npm run test:flaky -- [options] [file …]`: runs the browser e2e suites (or the chosen files) N times on one
// VS Code and prints each test's pass rate, so a flaky test shows up here before it fails CI on a fresh machine.
//
//   --runs N            how many runs (default 5)
//   --vscode V          floor (1.104) or newest (default floor)
//   --vsix              on the floor, install the packaged VSIX as `npm test` does (runs `npm run package` first)
//   --hog               keep the other core busy with a CPU hog while the suites run (the 2-core machine under load)
//   file …              e2e files by the start of their name, e.g. gettingStarted startProfile (default: all)
//
// Each run's output is kept in test-artifacts/flaky/run-<n>.log. Exits 1 if any test failed in any run.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';
import { setup } from './setup.mjs';

function parseArgs(argv) {
  const options = { runs: 5, vscode: 'floor', vsix: false, hog: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--vscode') options.vscode = argv[++i];
    else if (arg === '--vsix') options.vsix = true;
    else if (arg === '--hog') options.hog = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg} (see the top of scripts/flaky.mjs)`);
    else options.files.push(arg.replace(/\.e2e\.(ts|js)$/, ''));
  }
  if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > 100) {
    throw new Error('--runs needs a whole number from 1 to 100');
  }
  if (!['floor', 'newest'].includes(options.vscode)) throw new Error('--vscode needs floor or newest');
  if (options.vsix && options.vscode !== 'floor') throw new Error('--vsix goes with --vscode floor, as in npm test');
  return options;
}

function npmRun(script) {
  const result = spawnSync('npm', ['run', '-s', script], { cwd: repoRoot, stdio: 'inherit', timeout: 10 * 60_000 });
  if (result.status !== 0) throw new Error(`npm run ${script} failed`);
}

/** A busy loop in a child process: one core fully taken, as on a loaded CI machine. */
function startHog() {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  return () => child.kill('SIGKILL');
}

/** One run of the e2e runner; resolves with its exit code and how long it took. */
function runOnce(n, options, resultsFile, logFile) {
  return new Promise((resolve) => {
    const started = Date.now();
    const log = fs.openSync(logFile, 'w');
    const env = {
      ...process.env,
      ARCEE_VSCODE: options.vscode,
      ARCEE_E2E_FILES: options.files.join(','),
      ARCEE_E2E_RESULTS: resultsFile,
    };
    if (options.vsix) env.ARCEE_E2E_VSIX = path.join(repoRoot, 'dist', 'arcee-vscode.vsix');
    const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'test', 'e2e', 'runE2e.js')], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', log, log],
      detached: true,
    });
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    };
    process.once('SIGINT', stop);
    child.on('close', (code) => {
      process.removeListener('SIGINT', stop);
      fs.closeSync(log);
      resolve({ n, code: code ?? 1, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

function readResults(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  await setup();
  npmRun(options.vsix ? 'package' : 'build');
  npmRun('compile-tests');
  const dir = path.join(repoRoot, 'test-artifacts', 'flaky');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const what = options.files.length ? options.files.join(', ') : 'every e2e file';
  console.log(
    `[flaky] ${options.runs} runs of ${what} on ${options.vscode}${options.vsix ? ' (VSIX)' : ''}` +
      `${options.hog ? ', with a CPU hog on the other core' : ''}; logs in ${path.relative(repoRoot, dir)}/`,
  );
  const stopHog = options.hog ? startHog() : () => undefined;
  /** title → { file, passed, failed, pending } */
  const tally = new Map();
  try {
    for (let n = 1; n <= options.runs; n++) {
      const resultsFile = path.join(dir, `run-${n}.jsonl`);
      const run = await runOnce(n, options, resultsFile, path.join(dir, `run-${n}.log`));
      const results = readResults(resultsFile);
      for (const r of results) {
        const entry = tally.get(r.title) ?? { file: r.file, passed: 0, failed: 0, pending: 0 };
        entry[r.state] += 1;
        tally.set(r.title, entry);
      }
      const failed = results.filter((r) => r.state === 'failed');
      console.log(
        `[flaky] run ${n}/${options.runs}: exit ${run.code}, ${results.filter((r) => r.state === 'passed').length} passed, ` +
          `${failed.length} failed, ${run.seconds} s${failed.map((r) => `\n         failed: ${r.title}`).join('')}`,
      );
      if (run.code !== 0 && failed.length === 0) {
        // Crashed or stopped by its guard: count it against every test that did not report.
        console.log(`[flaky]   the run ended without a failing test (see run-${n}.log)`);
        tally.set(`(run ${n} ended with exit ${run.code})`, { file: '-', passed: 0, failed: 1, pending: 0 });
      }
    }
  } finally {
    stopHog();
  }
  const rows = [...tally.entries()].sort(
    ([a, x], [b, y]) => y.failed - x.failed || x.file.localeCompare(y.file) || a.localeCompare(b),
  );
  console.log('\n[flaky] pass rate per test (failures first):');
  for (const [title, e] of rows) {
    const ran = e.passed + e.failed;
    const rate = ran ? `${e.passed}/${ran}` : 'skipped';
    console.log(`  ${rate.padStart(7)}  ${e.file.padEnd(22)} ${title}`);
  }
  const byFile = new Map();
  for (const e of tally.values()) {
    const f = byFile.get(e.file) ?? { passed: 0, failed: 0 };
    f.passed += e.passed;
    f.failed += e.failed;
    byFile.set(e.file, f);
  }
  console.log('\n[flaky] per file:');
  for (const [file, f] of [...byFile.entries()].sort()) {
    console.log(`  ${file.padEnd(22)} ${f.passed} passed, ${f.failed} failed`);
  }
  const failures = [...tally.values()].reduce((sum, e) => sum + e.failed, 0);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[flaky] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
