import * as assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnCli, untilReadingStdin, useCliServer } from '../support/cliRun';
import { sseReply } from '../support/fakeServer';

const KEY = 'rcai-cli-test-key-0123456789';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `p`, or a failure naming `what` after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the exit code and signal once the child has exited and its pipes are closed. */
function closed(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
}

function chunk(content: string): string {
  return `data: ${JSON.stringify({ id: 'c1', model: 'trinity-mini', choices: [{ index: 0, delta: { content } }] })}\n\n`;
}

describe('terminal client: Ctrl+C (real SIGINT to node dist/cli.js)', () => {
  const fx = useCliServer(KEY);
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  function start(args: string[]): {
    child: ChildProcessWithoutNullStreams;
    out: () => string;
    err: () => string;
    end: ReturnType<typeof closed>;
  } {
    const child = spawnCli(args, fx.env);
    children.push(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return { child, out: () => Buffer.concat(out).toString('utf8'), err: () => err, end: closed(child) };
  }

  it('--json: a second Ctrl+C while the one object is being written still leaves exactly that object, whole', async () => {
    // A long partial answer and a reader that does not keep up: writing the object takes the reader's time.
    const text = 'x'.repeat(1_000_000);
    fx.server.enqueue('/chat/completions', sseReply([chunk(text), chunk('never sent')], { stallAfterPieces: 1 }));
    const run = start(['--json', 'q']);
    run.child.stdin.end();
    run.child.stdout.pause();
    const [req] = await fx.server.waitForRequests('/chat/completions');
    await sleep(500); // the text reaches the client; the server then stalls
    run.child.kill('SIGINT');
    await within(req.closed, 5000, 'the first Ctrl+C closes the socket');
    assert.equal(req.closedEarly, true);
    await sleep(100);
    run.child.kill('SIGINT');
    await sleep(100);
    run.child.stdout.resume();
    const { code, signal } = await within(run.end, 10_000, 'the client exits');
    assert.deepEqual([code, signal], [130, null], run.err());
    const lines = run.out().split('\n');
    assert.deepEqual(lines.slice(1), [''], 'one line, newline-terminated');
    const out = JSON.parse(lines[0]) as { error: { kind: string }; partial: { choices: { content: string }[] } };
    assert.equal(out.error.kind, 'cancelled');
    assert.equal(out.partial.choices[0].content, text);
    assert.ok(!run.out().includes(KEY) && !run.err().includes(KEY));
  });

  it('plain: Ctrl+C keeps the partial text, says "cancelled" on a line of its own, exits 130', async () => {
    fx.server.enqueue(
      '/chat/completions',
      sseReply([chunk('Half an ans'), chunk('never sent')], { stallAfterPieces: 1 }),
    );
    const run = start(['q']);
    run.child.stdin.end();
    const [req] = await fx.server.waitForRequests('/chat/completions');
    const deadline = Date.now() + 5000;
    while (!run.out().includes('Half an ans') && Date.now() < deadline) await sleep(20);
    run.child.kill('SIGINT');
    const { code } = await within(run.end, 5000, 'the client exits');
    assert.equal(code, 130);
    assert.equal(run.out(), 'Half an ans\n');
    assert.match(run.err(), /^error \(cancelled\): Cancelled\.\n$/);
    await within(req.closed, 5000, 'the socket closes');
  });

  it('--json: Ctrl+C while the prompt is awaited on stdin prints one cancelled object and sends nothing', async () => {
    const run = start(['--json']); // stdin stays open: the client waits for a prompt
    await untilReadingStdin(run.child.pid ?? 0);
    run.child.kill('SIGINT');
    const { code } = await within(run.end, 5000, 'the client exits');
    assert.equal(code, 130);
    const out = JSON.parse(run.out()) as { error: { kind: string }; partial: { choices: unknown[] } };
    assert.deepEqual([out.error.kind, out.partial.choices], ['cancelled', []]);
    assert.equal(fx.server.requestsTo('/chat/completions').length, 0);
  });
});
