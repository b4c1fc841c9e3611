// Runs the chat webview's browser tests (out/test/webview/**/*.webview.js) with mocha in headless Chromium,
// against dist/webview.js and media/chat.css as built. The whole run is bounded by ARCEE_WEBVIEW_TIMEOUT_MS.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { closeBrowser, repoRoot } from './harness';
import { findTests } from '../support/findTests';

function main(): void {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'webview.js'))) {
    console.error('webview: dist/webview.js is missing; run `npm run build` first');
    process.exit(1);
  }
  const limitMs = Number(process.env.ARCEE_WEBVIEW_TIMEOUT_MS ?? 3 * 60_000);
  const guard = setTimeout(() => {
    console.error(`webview: the run took longer than ${limitMs / 1000} s; stopping`);
    process.exit(124);
  }, limitMs);
  guard.unref();
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 30_000, slow: 2_000 });
  const grep = process.env.ARCEE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of findTests(__dirname, '.webview.js')) mocha.addFile(file);
  mocha.run((failures) => {
    process.exitCode = failures > 0 ? 1 : 0;
    void closeBrowser().finally(() => setTimeout(() => process.exit(), 500).unref());
  });
}

main();
