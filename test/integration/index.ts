// The extension-host side of the integration tests: VS Code loads this module (extensionTestsPath) and
// awaits run(). It runs every compiled out/test/integration/**/*.test.js with mocha.
import { format } from 'node:util';
import Mocha from 'mocha';
import { findTests } from '../support/findTests';

/**
 * Marks the lines this run prints, so the runner can show them apart from the workbench's own log, where
 * the extension host's console ends up (test/support/vscodeShim.ts strips the mark).
 */
export const OUTPUT_MARK = '@@arcee-test@@ ';

/** Marks and formats mocha's output (the workbench log shows format strings unformatted). */
function captureReporter(): () => void {
  const saved = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...data: unknown[]): void => {
    for (const line of format(...data).split('\n')) saved.call(console, OUTPUT_MARK + line);
  };
  return () => {
    Mocha.reporters.Base.consoleLog = saved;
  };
}

/** Runs the integration suites; rejects when any test fails, which makes the run exit non-zero. */
export function run(): Promise<void> {
  // The output goes through the workbench's log to the terminal, which shows no colours.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  const grep = process.env.ARCEE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of findTests(__dirname, '.test.js')) mocha.addFile(file);
  const restore = captureReporter();
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  }).finally(restore);
}
