/**
 * Part 7 of `npm run bench`: extension activation, measured outside VS Code. Each run is a fresh Node process
 * (activationChild.ts) that requires a production bundle with a stand-in `vscode` (every run-time name of
 * @types/vscode, each a recursive stub; see test/support/vscodeStub.ts) and calls `activate`. Reported: medians
 * over BENCH_ACTIVATION_ROUNDS rounds (default 7) of load, activate and their sum, runs interleaved so that load
 * on the machine hits every bundle alike. Target: after ≤ 10 ms. `BENCH_ACTIVATION=0` skips it.
 *
 * The bundles, all built in this run from the same sources and esbuild settings as the shipped one:
 *  - after: `node esbuild.mjs` in production mode, as shipped: dist/extension.js, which loads dist/features.js
 *    only on first use (not in these runs);
 *  - before: the baseline. The pre-issue-10 commit cannot be built here, so its shape is rebuilt from today's
 *    sources: eagerEntry.ts imports all the feature code, so it is in the one bundle and runs at load, and a
 *    plugin turns each file's `import vscode = require('vscode')` back into `import * as vscode from 'vscode'`,
 *    esbuild's ESM interop that copies the API object once per importing file. Files that issue 10 split off
 *    existing ones keep the plain import, so the baseline copies the object as often as the old bundle did (24;
 *    the count is reported). It does not construct the chat host or inline edit controller at activation as the
 *    old code did, so if anything it is a little faster than the old code.
 *  - eager: the baseline without the interop plugin, to show what the lazy loading adds to the import fix.
 * Writes test-artifacts/bench-activation.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { buildProduction } from '../support/activation';
import { vscodeApiNames } from '../support/vscodeStub';
import { repoRoot } from '../support/paths';
import { median, round2 } from './renderBench';

const ROUNDS = Number(process.env.BENCH_ACTIVATION_ROUNDS ?? 7);
const TARGET_MS = 10;
const CHILD = path.join(__dirname, 'activationChild.js');

type Variant = 'before' | 'eager' | 'after';
const VARIANTS: Variant[] = ['before', 'eager', 'after'];

interface Run {
  loadMs: number;
  activateMs: number;
  apiCopies: number | null;
  required: string[];
}

/** Files issue 10 split off others (or added): the old code had one `import * as vscode` where these add a second. */
const SPLIT_OFF = [
  'src/lazy.ts',
  'src/commands/register.ts',
  'src/edit/content.ts',
  'src/lm/chatActions.ts',
  'src/lm/chatAvailable.ts',
  'src/lm/respond.ts',
  'src/participant/answer.ts',
  'src/webview/chatViews.ts',
].map((f) => path.join(repoRoot, f));

/** `import vscode = require('vscode')` back to `import * as vscode from 'vscode'`, in the sources the old code had. */
const namespaceImports: esbuild.Plugin = {
  name: 'import-star-vscode',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (SPLIT_OFF.includes(args.path)) return { contents: source, loader: 'ts' };
      return {
        contents: source.replace(/^import vscode = require\('vscode'\);$/m, "import * as vscode from 'vscode';"),
        loader: 'ts',
      };
    });
  },
};

/** The baseline bundles: one file, every feature run at load; `oldInterop` for "before". */
async function buildEager(outfile: string, oldInterop: boolean): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'bench', 'eagerEntry.ts')],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: oldInterop ? [namespaceImports] : [],
    logLevel: 'error',
  });
}

function measure(bundle: string, names: string, count = false): Run {
  const r = spawnSync(process.execPath, [CHILD, bundle, `--names=${names}`, ...(count ? ['--count'] : [])], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`activation run of ${bundle} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

export async function activationBenchmark(): Promise<void> {
  if (process.env.BENCH_ACTIVATION === '0') return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-activation-bench-'));
  try {
    buildProduction(path.join(dir, 'after'));
    const bundles: Record<Variant, string> = {
      before: path.join(dir, 'before.js'),
      eager: path.join(dir, 'eager.js'),
      after: path.join(dir, 'after', 'extension.js'),
    };
    await buildEager(bundles.before, true);
    await buildEager(bundles.eager, false);
    const names = path.join(dir, 'names.json');
    fs.writeFileSync(names, JSON.stringify(vscodeApiNames()));
    const counted = Object.fromEntries(VARIANTS.map((v) => [v, measure(bundles[v], names, true)])) as Record<
      Variant,
      Run
    >;
    const rounds: Record<Variant, Run>[] = [];
    for (let r = 0; r < ROUNDS; r++)
      rounds.push(Object.fromEntries(VARIANTS.map((v) => [v, measure(bundles[v], names)])) as Record<Variant, Run>);
    const total = (run: Run): number => run.loadMs + run.activateMs;
    const figures = (v: Variant) => ({
      bundleBytes: fs.statSync(bundles[v]).size,
      apiCopies: counted[v].apiCopies,
      requiredAtStart: counted[v].required,
      medianMs: {
        load: round2(median(rounds.map((r) => r[v].loadMs))),
        activate: round2(median(rounds.map((r) => r[v].activateMs))),
        total: round2(median(rounds.map((r) => total(r[v])))),
      },
    });
    const summary = {
      rounds: ROUNDS,
      before: figures('before'),
      eager: figures('eager'),
      after: { ...figures('after'), featuresBundleBytes: fs.statSync(path.join(dir, 'after', 'features.js')).size },
      afterOverBefore: round2(median(rounds.map((r) => total(r.after) / total(r.before)))),
      targetMsAtMost: TARGET_MS,
      pass: median(rounds.map((r) => total(r.after))) <= TARGET_MS,
    };
    console.log(
      `\nactivation outside VS Code: require the production bundle + activate(), fresh process each, median of ${ROUNDS} rounds`,
    );
    for (const v of VARIANTS) {
      const f = summary[v];
      console.log(
        `  ${v.padEnd(6)} ${String(f.medianMs.total).padStart(6)} ms (load ${f.medianMs.load} + activate ${f.medianMs.activate}); ${f.bundleBytes} bytes, ${f.apiCopies} copies of the API object`,
      );
    }
    console.log(
      `  after / before: ${summary.afterOverBefore} (median of per-round ratios); after ≤ ${TARGET_MS} ms: ${summary.pass ? 'yes' : 'NO'}`,
    );
    const out = path.join(repoRoot, 'test-artifacts');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'bench-activation.json'), `${JSON.stringify({ summary, rounds }, null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
