// Runs the integration tests in a real VS Code through @vscode/test-electron. Offline, the "VS Code
// executable" is test/support/vscodeShim, which runs them in code-server with headless Chromium.
// ARCEE_VSCODE_EXECUTABLE=<path to a desktop VS Code> runs the same suite there instead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ensureCodeServer, repoRoot } from '../support/codeServer';

async function main(): Promise<void> {
  const root = repoRoot();
  const shim = path.join(root, 'out', 'test', 'support', 'vscodeShim.js');
  let executable = process.env.ARCEE_VSCODE_EXECUTABLE;
  if (!executable) {
    ensureCodeServer();
    fs.chmodSync(shim, 0o755);
    executable = shim;
  }
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-ws-'));
  fs.writeFileSync(path.join(workspace, 'hello.ts'), 'export const greeting = "hello";\n');
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [workspace, '--disable-extensions'],
      // Everything in this environment (ARCEE_TEST_* included) reaches the extension host.
      extensionTestsEnv: { ARCEE_TEST_WORKSPACE: workspace },
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
