import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under `dir` whose name ends with `suffix` (e.g. `.test.js`), sorted, for mocha.addFile. */
export function findTests(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full, suffix));
    else if (entry.name.endsWith(suffix)) found.push(full);
  }
  return found.sort();
}
