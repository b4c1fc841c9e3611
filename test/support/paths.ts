import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, from the compiled location `out/test/support`. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function fixturePath(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', ...parts);
}

/** The raw bytes of a recorded SSE stream. */
export function sseFixture(name: string): Buffer {
  return fs.readFileSync(fixturePath('sse', `${name}.sse`));
}

export const SSE_FIXTURES = fs
  .readdirSync(path.join(repoRoot, 'test', 'fixtures', 'sse'))
  .filter((f) => f.endsWith('.sse'))
  .map((f) => f.replace(/\.sse$/, ''));
