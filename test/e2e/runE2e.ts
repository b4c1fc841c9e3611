// Runs the browser end-to-end tests (out/test/e2e/**/*.e2e.js) with mocha. Each suite starts its own
// code-server and headless Chromium (see e2eSupport.ts). The whole run is bounded by ARCEE_E2E_TIMEOUT_MS.
import Mocha from 'mocha';
import { ensureCodeServer } from '../support/codeServer';
import { findTests } from '../support/findTests';

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
  for (const file of findTests(__dirname, '.e2e.js')) mocha.addFile(file);
  mocha.run((failures) => {
    process.exitCode = failures > 0 ? 1 : 0;
    // Playwright or a stray handle may keep the loop alive; everything is closed by now.
    setTimeout(() => process.exit(), 1000).unref();
  });
}

main();
