// Builds the bundles that ship or run: the extension host's two bundles, its search worker, the terminal client and
// the webview app. `--watch` rebuilds on change; `--quiet` prints nothing on success (used by `npm run chat`);
// `--outdir=<dir>` writes them to <dir> instead of dist, with <dir>/meta.json saying which sources each host bundle
// holds (the activation bench and its unit test build a copy).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const quiet = process.argv.includes('--quiet');
const production = process.env.NODE_ENV === 'production';
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';

/**
 * The extension host gets two bundles: dist/extension.js, what activation needs (registrations, settings, the
 * key, the status bar), and dist/features.js, the code behind them, which src/lazy.ts requires on first use. So
 * VS Code parses and runs only the first at start-up (issue 10). lazy.ts names it './features'; at run time that
 * is the file beside dist/extension.js.
 */
const featuresBesideExtension = {
  name: 'features-beside-extension',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, (args) =>
      args.importer === path.resolve('src', 'lazy.ts') ? { path: './features.js', external: true } : undefined,
    );
  },
};

/**
 * Modules that may be in both host bundles, and so exist twice at run time: they hold no state, and the error
 * classes among them (ArceeError, KeyringError) answer `instanceof` for either copy. Any other module found in
 * both fails the build (not checked in --watch): pass what activation made to the feature code instead, or add
 * it here if it is as safe.
 */
const IN_BOTH = new Set([
  'src/ids.ts',
  'src/config/settings.ts',
  'src/config/trust.ts',
  'src/lm/chatAvailable.ts',
  'src/lm/chatChoice.ts',
  'src/lm/report.ts',
  'src/providers/errorClassify.ts',
  'src/providers/errors.ts',
  'src/providers/models.ts',
  'src/providers/origin.ts',
  'src/providers/timeouts.ts',
  'src/providers/url.ts',
  'src/services/dispose.ts',
  'src/services/keyStore.ts',
]);

const host = { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [featuresBesideExtension], metafile: !watch };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...host, entryPoints: ['src/extension.ts'], outfile: `${outdir}/extension.js` },
  { ...host, entryPoints: ['src/features.ts'], outfile: `${outdir}/features.js` },
  {
    // search_text's regular expressions run here, so a backtracking pattern cannot stall the extension host.
    entryPoints: ['src/tools/searchWorker.ts'],
    outfile: `${outdir}/searchWorker.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    entryPoints: ['src/cli.ts'],
    outfile: `${outdir}/cli.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entryPoints: ['src/webview/app/main.ts'],
    outfile: `${outdir}/webview.js`,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: quiet ? 'error' : 'info',
};

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...common, ...b })));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const [extension, features] = await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  const inputs = (r) => Object.keys(r.metafile.inputs);
  const twice = inputs(extension).filter((f) => inputs(features).includes(f) && !IN_BOTH.has(f));
  if (twice.length) {
    console.error(`esbuild.mjs: in both dist/extension.js and dist/features.js, so twice at run time: ${twice.join(', ')} (see IN_BOTH)`);
    process.exit(1);
  }
  // undici is the terminal client's way through a proxy (src/cli/network.ts); in the extension VS Code's own network
  // stack does that, and a megabyte of it would only slow activation.
  const cliOnly = [...inputs(extension), ...inputs(features)].filter((f) => f.startsWith('node_modules/undici/'));
  if (cliOnly.length) {
    console.error(`esbuild.mjs: undici is for dist/cli.js only, but an extension bundle holds ${cliOnly[0]}`);
    process.exit(1);
  }
  if (outdir !== 'dist') fs.writeFileSync(path.join(outdir, 'meta.json'), `${JSON.stringify({ 'extension.js': inputs(extension), 'features.js': inputs(features) }, null, 2)}\n`);
}
