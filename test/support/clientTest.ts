// What the client's HTTP test files share: a request, draining a stream, expecting an ArceeError, and a fake server
// on 127.0.0.1 for the enclosing describe (started once, reset before each test).
import * as assert from 'node:assert/strict';
import type { ChatEvent, ChatRequest } from '../../src/providers/api';
import { ArceeClient, type ClientConfig } from '../../src/providers/client';
import { ArceeError } from '../../src/providers/errors';
import { useFakeServer, type FakeServer } from './fakeServer';

export const KEY = 'rcai-test-0123456789abcdef';

export const req = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'trinity-mini',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

export async function collect(it: AsyncIterable<ChatEvent>): Promise<ChatEvent[]> {
  const out: ChatEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

export async function rejects(p: Promise<unknown>): Promise<ArceeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ArceeError, `expected ArceeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

/** The describe's fake server (useFakeServer), and a client for it with quick retries (plus `extra`). */
export function useClientServer(): {
  readonly server: FakeServer;
  client: (extra?: Partial<ClientConfig>) => ArceeClient;
} {
  const fake = useFakeServer();
  return {
    get server() {
      return fake.server;
    },
    client: (extra = {}) =>
      new ArceeClient({
        baseUrl: fake.server.baseUrl,
        apiKey: KEY,
        retry: { baseDelayMs: 5, maxDelayMs: 20 },
        ...extra,
      }),
  };
}
