/**
 * One activation measurement in a fresh process (activationBench.ts starts one per round and bundle): loads the
 * bundle given with the stand-in vscode, calls `activate`, prints the figures as JSON. `--names=<file>` gives the
 * API's names as a JSON list; `--count` also counts the API object's interop copies (slower: never when timed).
 */
import * as fs from 'node:fs';
import { loadAndActivate } from '../support/activation';

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: activationChild <bundle.js> [--names=<file>] [--count]');
const count = process.argv.includes('--count');
const namesFile = process.argv.find((a) => a.startsWith('--names='))?.slice('--names='.length);
const names = namesFile ? (JSON.parse(fs.readFileSync(namesFile, 'utf8')) as string[]) : undefined;
const run = loadAndActivate(bundle, { countCopies: count, names });
process.stdout.write(
  `${JSON.stringify({ loadMs: run.loadMs, activateMs: run.activateMs, apiCopies: count ? run.apiCopies : null, required: [...new Set(run.required)] })}\n`,
);
