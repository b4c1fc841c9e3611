// `npm test`: sets up what is missing (Debian packages as root, node_modules, code-server), then runs lint,
// typecheck, unit, integration (VS Code extension host) and browser e2e tests, in that order, all of them
// even when one fails. Ends with one line `N passed, N failed`: mocha's tests, plus lint and typecheck as
// one check each (a step that fails without a mocha count counts as one failure).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';
import { setup } from './setup.mjs';

const STEP_TIMEOUT_MS = 15 * 60_000;

// The integration and e2e suites run on both VS Codes: the engines.vscode floor and the newest code-server.
// `package` builds the VSIX users install and checks it; the e2e suites on the floor install that VSIX (so a
// file missing from it, or a require of something not bundled, fails them), those on the newest the working tree.
const steps = [
  { name: 'format', script: 'format:check', mocha: false },
  { name: 'lint', script: 'lint', mocha: false },
  { name: 'typecheck', script: 'typecheck', mocha: false },
  { name: 'unit', script: 'test:unit', mocha: true },
  { name: 'package', script: 'test:package', mocha: true },
  { name: 'integration 1.104', script: 'test:integration', mocha: true, env: { ARCEE_VSCODE: 'floor' } },
  { name: 'integration new', script: 'test:integration', mocha: true, env: { ARCEE_VSCODE: 'newest' } },
  { name: 'webview', script: 'test:webview', mocha: true },
  {
    name: 'e2e 1.104 vsix',
    script: 'test:e2e',
    mocha: true,
    env: { ARCEE_VSCODE: 'floor', ARCEE_E2E_VSIX: path.join(repoRoot, 'dist', 'arcee-vscode.vsix') },
  },
  { name: 'e2e new', script: 'test:e2e', mocha: true, env: { ARCEE_VSCODE: 'newest' } },
];

// eslint-disable-next-line no-control-regex
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/** Runs `npm run -s <script>`, showing its output as it comes, and keeps the output to count tests. */
function runStep(script, env = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', '-s', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, ...env },
    });
    let output = '';
    const forward = (stream) => (chunk) => {
      stream.write(chunk);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    const timer = setTimeout(() => {
      process.stderr.write(
        `\n[test] npm run ${script} took longer than ${STEP_TIMEOUT_MS / 60_000} min; stopping it\n`,
      );
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, STEP_TIMEOUT_MS);
    const stopOnSignal = () => {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    };
    process.once('SIGINT', stopOnSignal);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('SIGINT', stopOnSignal);
      resolve({
        code: code ?? 1,
        signal,
        output: stripAnsi(output),
        seconds: Math.round((Date.now() - started) / 1000),
      });
    });
  });
}

function sumMatches(text, regex) {
  let total = 0;
  for (const match of text.matchAll(regex)) total += Number(match[1]);
  return total;
}

async function main() {
  try {
    await setup();
  } catch (error) {
    console.error(`\n[test] set-up failed: ${error instanceof Error ? error.message : String(error)}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  let passed = 0;
  let failed = 0;
  const report = [];
  for (const step of steps) {
    const envText = Object.entries(step.env ?? {})
      .map(([k, v]) => `${k}=${v} `)
      .join('');
    console.log(`\n=== ${step.name} (${envText}npm run ${step.script}) ===`);
    const result = await runStep(step.script, step.env);
    let stepPassed = 0;
    let stepFailed = 0;
    if (step.mocha) {
      stepPassed = sumMatches(result.output, /^\s*(\d+) passing\b/gm);
      stepFailed = sumMatches(result.output, /^\s*(\d+) failing\b/gm);
      if (result.code !== 0 && stepFailed === 0) stepFailed = 1; // crashed, timed out or did not build
    } else if (result.code === 0) {
      stepPassed = 1;
    } else {
      stepFailed = 1;
    }
    passed += stepPassed;
    failed += stepFailed;
    const verdict = result.code === 0 ? 'ok' : `FAILED (${result.signal ?? `exit ${result.code}`})`;
    report.push(
      `  ${step.name.padEnd(18)} ${verdict.padEnd(16)} ${stepPassed} passed, ${stepFailed} failed, ${result.seconds} s`,
    );
  }
  console.log(`\n=== summary ===\n${report.join('\n')}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
