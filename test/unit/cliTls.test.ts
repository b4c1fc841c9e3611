// The terminal client against HTTPS servers whose certificates come from a private CA the test makes: trusted through
// NODE_EXTRA_CA_CERTS, and each kind of refused certificate told in its one sentence.
import * as assert from 'node:assert/strict';
import { runCli, type Run } from '../support/cliRun';
import { FakeServer } from '../support/fakeServer';
import { makeTestCertificates, type TestCertificates } from '../support/tlsCerts';

const KEY = 'rcai-cli-tls-key-0123456789';

/** A failure is one line on stderr: no stack, no "fetch failed", no retries, no key. */
function assertOneSentence(r: Run, kind: string): string {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0].startsWith(`error (${kind}): `), r.stderr);
  assert.doesNotMatch(r.stderr, /fetch failed|\n\s+at |retrying|rcai-/);
  return lines[0];
}

describe('terminal client over TLS with a private CA (NODE_EXTRA_CA_CERTS)', () => {
  let pki: TestCertificates;
  const servers: Record<'good' | 'expired' | 'selfSigned' | 'otherHost', FakeServer> = {} as never;

  before(async () => {
    pki = makeTestCertificates();
    for (const name of ['good', 'expired', 'selfSigned', 'otherHost'] as const) {
      servers[name] = await FakeServer.start({ tls: pki[name] });
    }
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
    pki?.remove();
  });
  beforeEach(() => Object.values(servers).forEach((s) => s.reset()));

  const env = (server: FakeServer, extra: Record<string, string> = {}): Record<string, string> => ({
    ARCEE_BASE_URL: server.baseUrl,
    ARCEE_API_KEY: KEY,
    ...extra,
  });

  it('trusts a server of the private CA when NODE_EXTRA_CA_CERTS names the CA: chat and --models', async () => {
    const r = await runCli(['hi'], env(servers.good, { NODE_EXTRA_CA_CERTS: pki.caFile }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Hello from the fake server.\n');
    const models = await runCli(['--models'], env(servers.good, { NODE_EXTRA_CA_CERTS: pki.caFile }));
    assert.equal(models.code, 0, models.stderr);
    assert.match(models.stdout, /^trinity-mini /);
    assert.equal(servers.good.requestsTo('/chat/completions').length, 1);
    assert.equal(servers.good.requestsTo('/models').length, 1);
  });

  it('without it: the unknown-CA sentence, which names NODE_EXTRA_CA_CERTS', async () => {
    const line = assertOneSentence(await runCli(['hi'], env(servers.good)), 'tls');
    assert.equal(
      line,
      `error (tls): Could not reach 127.0.0.1:${servers.good.port}: its TLS certificate is signed by a certificate authority that is not trusted here (UNABLE_TO_VERIFY_LEAF_SIGNATURE). If it is your organisation's own authority, set NODE_EXTRA_CA_CERTS to a PEM file that holds that authority's certificate.`,
    );
    assert.equal(servers.good.requests.length, 0);
  });

  it('with NODE_EXTRA_CA_CERTS naming another certificate: says that file lacks the CA', async () => {
    const other = pki.selfSigned.certFile;
    const line = assertOneSentence(await runCli(['hi'], env(servers.good, { NODE_EXTRA_CA_CERTS: other })), 'tls');
    assert.ok(
      line.endsWith(
        `make sure NODE_EXTRA_CA_CERTS (now ${other}) names a PEM file that holds that authority's certificate.`,
      ),
      line,
    );
  });

  it('an expired certificate', async () => {
    const line = assertOneSentence(
      await runCli(['hi'], env(servers.expired, { NODE_EXTRA_CA_CERTS: pki.caFile })),
      'tls',
    );
    assert.match(line, /its TLS certificate has expired \(CERT_HAS_EXPIRED\)\. Its owner must renew it/);
  });

  it('a self-signed certificate, and the fix it names works', async () => {
    const line = assertOneSentence(await runCli(['hi'], env(servers.selfSigned)), 'tls');
    assert.match(
      line,
      /its TLS certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. If you trust that server, set NODE_EXTRA_CA_CERTS to a PEM file that holds its certificate\.$/,
    );
    const trusted = await runCli(['hi'], env(servers.selfSigned, { NODE_EXTRA_CA_CERTS: pki.selfSigned.certFile }));
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(trusted.stdout, 'Hello from the fake server.\n');
  });

  it('a certificate for another host name', async () => {
    const line = assertOneSentence(
      await runCli(['hi'], env(servers.otherHost, { NODE_EXTRA_CA_CERTS: pki.caFile })),
      'tls',
    );
    assert.match(
      line,
      /its TLS certificate is for other host names: DNS:other\.example \(ERR_TLS_CERT_ALTNAME_INVALID\)\. Use a base URL with one of them\.$/,
    );
    const json = await runCli(['--json', 'hi'], env(servers.otherHost, { NODE_EXTRA_CA_CERTS: pki.caFile }));
    assert.equal(json.code, 1);
    const out = JSON.parse(json.stdout) as { error: { kind: string; message: string } };
    assert.equal(out.error.kind, 'tls');
    assert.equal(`error (tls): ${out.error.message}`, line);
  });
});
