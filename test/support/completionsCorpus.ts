import * as fs from 'node:fs';
import type { CompletionContext } from '../../src/completions/postprocess';
import { fixturePath } from './paths';

/**
 * The post-processing corpus (test/fixtures/completions/*.json): realistic chat-model answers for ghost-text
 * completions, one file per language, each case with the document around the cursor and what should be shown
 * (null: nothing).
 */
export const CATEGORIES = [
  'fenced',
  'prose',
  'prefix-repeat',
  'suffix-repeat',
  'indentation',
  'rewrite',
  'empty',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Case {
  name: string;
  languageId: string;
  mode: 'line' | 'block';
  prefix: string;
  suffix: string;
  answer: string;
  expected: string | null;
  categories: Category[];
  indent?: CompletionContext['indent'];
}

export interface CorpusFile {
  language: string;
  indent: CompletionContext['indent'];
  cases: Case[];
}

/** Every corpus file, sorted by name. */
export function loadCorpus(): CorpusFile[] {
  const dir = fixturePath('completions');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8')) as CorpusFile);
}
