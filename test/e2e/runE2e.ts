// Runs the browser end-to-end tests (out/test/e2e/**/*.e2e.js) with mocha. Each suite starts its own
// code-server and headless Chromium (see e2eSupport.ts). The whole run is bounded by ARCEE_E2E_TIMEOUT_MS.
// ARCEE_E2E_FILES=a,b runs only the files whose names start with a or b (e.g. `gettingStarted`);
// ARCEE_E2E_RESULTS=<file> appends one JSON line per finished test ({file, title, state}), which
// scripts/flaky.mjs reads to count pass rates over repeated runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { ensureCodeServer } from '../support/codeServer';
import { findTests } from '../support/findTests';

/** The e2e files to run: all of them, or those ARCEE_E2E_FILES names (a file that matches none is an error). */
function selectedFiles(): string[] {
  const all = findTests(__dirname, '.e2e.js');
  const wanted = (process.env.ARCEE_E2E_FILES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return all;
  const chosen = all.filter((file) => wanted.some((w) => path.basename(file).startsWith(w)));
  const unknown = wanted.filter((w) => !all.some((file) => path.basename(file).startsWith(w)));
  if (unknown.length) {
    const names = all.map((f) => path.basename(f, '.e2e.js')).join(', ');
    throw new Error(`ARCEE_E2E_FILES: no e2e file starts with ${unknown.join(', ')} (there are ${names})`);
  }
  return chosen;
}

/** Appends each finished test (and each failed hook, which fails the tests after it) to `file`. */
function recordResults(runner: Mocha.Runner, file: string): void {
  const write = (test: Mocha.Runnable, state: string): void => {
    const from = test.file ? path.basename(test.file, '.js') : '?';
    fs.appendFileSync(file, `${JSON.stringify({ file: from, title: test.fullTitle(), state })}\n`);
  };
  runner.on('pass', (test) => write(test, 'passed'));
  runner.on('fail', (test) => write(test, 'failed'));
  runner.on('pending', (test) => write(test, 'pending'));
}

function main(): void {
  const limitMs = Number(process.env.ARCEE_E2E_TIMEOUT_MS ?? 12 * 60_000);
  const guard = setTimeout(() => {
    // Exiting kills what is left: code-server groups by an exit hook, Chromium by Playwright's.
    console.error(`e2e: the run took longer than ${limitMs / 1000} s; stopping`);
    process.exit(124);
  }, limitMs);
  guard.unref();
  ensureCodeServer();
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, slow: 10_000 });
  const grep = process.env.ARCEE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of selectedFiles()) mocha.addFile(file);
  const runner = mocha.run((failures) => {
    process.exitCode = failures > 0 ? 1 : 0;
    // Playwright or a stray handle may keep the loop alive; everything is closed by now.
    setTimeout(() => process.exit(), 1000).unref();
  });
  const results = process.env.ARCEE_E2E_RESULTS;
  if (results) recordResults(runner, results);
}

main();
