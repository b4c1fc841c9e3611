// The terminal client through a real proxy (Debian's tinyproxy, started here): HTTP_PROXY, https_proxy and NO_PROXY
// as curl reads them, a proxy that wants a password, and one that is not there. undici tunnels every request
// through the proxy with CONNECT, so the proxy's log line `CONNECT 127.0.0.1:<port>` is what shows a request went
// through it. undici makes no exception for 127.0.0.1 or localhost: only NO_PROXY does.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { runCli, type Run } from '../support/cliRun';
import { FakeServer } from '../support/fakeServer';
import { Tinyproxy } from '../support/tinyproxy';
import { makeTestCertificates, type TestCertificates } from '../support/tlsCerts';

const KEY = 'rcai-cli-proxy-key-0123456789';
const USER = 'arcee';
const PASSWORD = 'S3cret-Pa55';

/** A port nobody listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A failure is one line on stderr naming the proxy: no stack, no retries, and never the proxy's credentials. */
function assertProxySentence(r: Run, prefix: string): string {
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0].startsWith(prefix), r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(`fetch failed|\\n\\s+at |retrying|${PASSWORD}|${USER}:`));
  return lines[0];
}

describe('terminal client through a proxy (tinyproxy)', () => {
  let proxy: Tinyproxy;
  let authProxy: Tinyproxy;
  let pki: TestCertificates;
  let plain: FakeServer;
  let secure: FakeServer;

  before(async () => {
    pki = makeTestCertificates();
    [proxy, authProxy, plain, secure] = await Promise.all([
      Tinyproxy.start(),
      Tinyproxy.start({ basicAuth: { user: USER, password: PASSWORD } }),
      FakeServer.start(),
      FakeServer.start({ tls: pki.good }),
    ]);
  });
  after(async () => {
    await Promise.all([proxy?.stop(), authProxy?.stop(), plain?.close(), secure?.close()]);
    pki?.remove();
  });
  beforeEach(() => {
    plain.reset();
    secure.reset();
  });

  const to = (server: FakeServer, extra: Record<string, string>): Record<string, string> => ({
    ARCEE_BASE_URL: server.baseUrl,
    ARCEE_API_KEY: KEY,
    ...extra,
  });

  it('HTTP_PROXY: the chat and --models both go through the proxy, 127.0.0.1 included', async () => {
    const before = proxy.tunnelsTo(plain.port);
    const r = await runCli(['hi'], to(plain, { HTTP_PROXY: proxy.url() }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Hello from the fake server.\n');
    assert.equal(await proxy.waitForTunnels(plain.port, before + 1), before + 1, proxy.log());
    const models = await runCli(['--models'], to(plain, { HTTP_PROXY: proxy.url() }));
    assert.equal(models.code, 0, models.stderr);
    assert.match(models.stdout, /^trinity-mini /);
    assert.equal(await proxy.waitForTunnels(plain.port, before + 2), before + 2, proxy.log());
    assert.equal(plain.requestsTo('/chat/completions').length, 1);
    assert.equal(plain.requestsTo('/models').length, 1);
  });

  it('https_proxy (lower case) to an https server of a private CA: TLS inside the CONNECT tunnel', async () => {
    const before = proxy.tunnelsTo(secure.port);
    const r = await runCli(['hi'], to(secure, { https_proxy: proxy.url(), NODE_EXTRA_CA_CERTS: pki.caFile }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Hello from the fake server.\n');
    assert.equal(await proxy.waitForTunnels(secure.port, before + 1), before + 1, proxy.log());
    assert.equal(secure.requestsTo('/chat/completions').length, 1);
    // Without the CA the tunnel opens, and the server's certificate is refused inside it, with its sentence.
    const untrusted = await runCli(['hi'], to(secure, { https_proxy: proxy.url() }));
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /^error \(tls\): .*not trusted here \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    assert.equal(await proxy.waitForTunnels(secure.port, before + 2), before + 2, proxy.log());
  });

  it('NO_PROXY (or no_proxy) naming 127.0.0.1: straight to the server, nothing through the proxy', async () => {
    const before = proxy.tunnelsTo(plain.port);
    for (const name of ['NO_PROXY', 'no_proxy']) {
      const r = await runCli(['hi'], to(plain, { HTTP_PROXY: proxy.url(), [name]: 'localhost,127.0.0.1' }));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Hello from the fake server.\n');
    }
    assert.equal(plain.requestsTo('/chat/completions').length, 2);
    // A request that does go through the proxy shows up in its log; once it has, the two before it would have too.
    const marker = await runCli(['hi'], to(plain, { HTTP_PROXY: proxy.url() }));
    assert.equal(marker.code, 0, marker.stderr);
    assert.equal(await proxy.waitForTunnels(plain.port, before + 1), before + 1, proxy.log());
  });

  it('a proxy that wants a password: says so, naming the proxy; the right password gets through', async () => {
    const none = await runCli(['hi'], to(plain, { HTTP_PROXY: authProxy.url() }));
    const line = assertProxySentence(none, 'error (proxy 407): ');
    assert.equal(
      line,
      `error (proxy 407): The proxy 127.0.0.1:${authProxy.port} lets no request through without a valid user name and password (it answered 407 Proxy Authentication Required): put them in the proxy URL, http://user:password@host:port.`,
    );
    const wrong = { user: USER, password: 'Wr0ng-Pa55' };
    for (const args of [['hi'], ['--json', 'hi']]) {
      const r = await runCli(args, to(plain, { HTTP_PROXY: authProxy.url(wrong) }));
      assert.equal(r.code, 1);
      assert.match(
        r.stdout + r.stderr,
        new RegExp(`The proxy 127\\.0\\.0\\.1:${authProxy.port} lets no request through`),
      );
      assert.doesNotMatch(r.stdout + r.stderr, /Wr0ng-Pa55|arcee:/);
    }
    assert.equal(plain.requests.length, 0);
    // tinyproxy logs the CONNECT line of refused requests too: count from here.
    const before = authProxy.tunnelsTo(plain.port);
    const right = await runCli(['hi'], to(plain, { HTTP_PROXY: authProxy.url({ user: USER, password: PASSWORD }) }));
    assert.equal(right.code, 0, right.stderr);
    assert.equal(right.stdout, 'Hello from the fake server.\n');
    assert.equal(await authProxy.waitForTunnels(plain.port, before + 1), before + 1, authProxy.log());
    assert.equal(plain.requestsTo('/chat/completions').length, 1);
  });

  it('a proxy nobody listens on: says it is the proxy, with its host and port only', async () => {
    const port = await closedPort();
    const r = await runCli(['hi'], to(plain, { HTTP_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${port}` }));
    assert.equal(
      assertProxySentence(r, 'error (proxy): '),
      `error (proxy): Could not reach the proxy 127.0.0.1:${port}: connection refused (is the proxy running?). Check the proxy URL.`,
    );
    assert.equal(plain.requests.length, 0);
  });

  it('a proxy that cannot reach the server: its answer, naming both', async () => {
    const port = await closedPort();
    const r = await runCli(['hi'], { ARCEE_BASE_URL: `http://127.0.0.1:${port}/v1`, HTTP_PROXY: proxy.url() });
    assert.match(
      assertProxySentence(r, 'error (proxy 500): '),
      new RegExp(
        `The proxy 127\\.0\\.0\\.1:${proxy.port} did not open a connection to 127\\.0\\.0\\.1:${port} \\(it answered 500`,
      ),
    );
  });

  it('a proxy variable that is no URL: names the variable, never its value', async () => {
    const r = await runCli(['hi'], to(plain, { HTTPS_PROXY: `http://${USER}:${PASSWORD}@[proxy` }));
    assert.equal(
      assertProxySentence(r, 'error (proxy): '),
      'error (proxy): HTTPS_PROXY is not a URL: give it as http://host:port (with user:password@ before the host if the proxy needs them).',
    );
  });
});
