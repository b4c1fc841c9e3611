/**
 * A worker thread for `search_text` with a model's regular expression: JavaScript regexes backtrack, and a
 * pattern such as `(a+)+$` can take minutes on one line. Here it can only stall this thread, which the
 * extension host terminates after its time limit; the host itself stays responsive.
 */
import { parentPort } from 'node:worker_threads';
import { searchLines } from './definitions';

export interface SearchJob {
  pattern: string;
  flags: string;
  files: { path: string; text: string }[];
  max: number;
}

export interface SearchHit {
  path: string;
  line: number;
  text: string;
}

parentPort?.on('message', (job: SearchJob) => {
  const re = new RegExp(job.pattern, job.flags);
  const hits: SearchHit[] = [];
  for (const f of job.files) {
    for (const m of searchLines(f.text, re, job.max - hits.length)) hits.push({ path: f.path, ...m });
    if (hits.length >= job.max) break;
  }
  parentPort?.postMessage(hits);
});
