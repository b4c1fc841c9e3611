/**
 * Loading the extension's production bundle outside VS Code, with the stand-in `vscode` (vscodeStub.ts), and
 * calling `activate`: what the activation bench times and what its unit test inspects.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { contextStub, provideVscode, vscodeApiNames, vscodeStub, type ContextStub } from './vscodeStub';

/** Builds the production bundles into `outdir` with the project's own esbuild.mjs (plus outdir/meta.json). */
export function buildProduction(outdir: string): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs'), '--quiet', `--outdir=${outdir}`], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`production build failed: ${r.stderr || r.stdout}`);
}

/** One call of a stub: its path (`vscode.commands.registerCommand`) and arguments. */
export interface StubCall {
  path: string;
  args: unknown[];
}

export interface Activation {
  /** `require` of the bundle, ms. */
  loadMs: number;
  /** `activate(context)`, ms. */
  activateMs: number;
  /** How often the API object's names were listed: esbuild's ESM interop copies the object that way. */
  apiCopies: number;
  /** What the bundle's own files required, in order (`vscode`, a Node module, `./features.js`…). */
  required: string[];
  /** Every call the bundle made of the API (only with `record`). */
  calls: StubCall[];
  context: ContextStub;
  /** Leaves the stand-in in place (for calls after activation); call when done. */
  restore(): void;
}

export interface ActivateOptions {
  /** Record the API calls (costs time: not for timing). */
  record?: boolean;
  /** Count the interop copies through a Proxy on the API object (costs time: not for timing). */
  countCopies?: boolean;
  /** The API's names, if already read (reading @types/vscode's 1 MB leaves garbage a timed run may collect). */
  names?: string[];
}

/**
 * Requires `bundle` with a fresh cache for its folder and calls its `activate`, with the stand-in `vscode`
 * installed until `restore()`.
 */
export function loadAndActivate(bundle: string, options: ActivateOptions = {}): Activation {
  const dir = path.dirname(path.resolve(bundle));
  forget(dir);
  const calls: StubCall[] = [];
  const required: string[] = [];
  let apiCopies = 0;
  const plain = vscodeStub(
    options.names ?? vscodeApiNames(),
    options.record ? (p, args) => calls.push({ path: p, args }) : undefined,
  );
  const api = options.countCopies
    ? new Proxy(plain, {
        ownKeys(target) {
          apiCopies++;
          return Reflect.ownKeys(target);
        },
      })
    : plain;
  const restore = provideVscode(api, (request, from) => {
    if (from && path.dirname(from) === dir) required.push(request);
  });
  const context = contextStub();
  const t0 = performance.now();
  const extension = load(path.resolve(bundle)) as { activate(context: unknown): unknown };
  const t1 = performance.now();
  extension.activate(context);
  const t2 = performance.now();
  return { loadMs: t1 - t0, activateMs: t2 - t1, apiCopies, required, calls, context, restore };
}

const load = createRequire(__filename);

/** Drops the files of `dir` from the require cache, so the next `require` loads them anew. */
export function forget(dir: string): void {
  for (const file of Object.keys(require.cache)) if (path.dirname(file) === dir) delete require.cache[file];
}
