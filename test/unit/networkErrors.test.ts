// The sentences for a refused certificate and for a proxy that did not pass a request on, from error objects shaped
// as Node and undici make them: `TypeError: fetch failed` whose `cause` carries Node's code.
import * as assert from 'node:assert/strict';
import { cliTrustAdvice, proxySecrets } from '../../src/cli/network';
import { ArceeClient } from '../../src/providers/client';
import { ProxyFailure, tlsFailure } from '../../src/providers/errorClassify';
import { DEFAULT_TRUST_ADVICE, errorFromNetwork, redactSecrets } from '../../src/providers/errors';
import { RetryPolicy } from '../../src/providers/retry';
import { collect, rejects, req } from '../support/clientTest';

/** What undici's fetch rejects with when the TLS handshake refused the server's certificate. */
function fetchFailed(code: string, extra: Record<string, unknown> = {}): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`tls: ${code}`), { code, ...extra }) });
}

const CLI_TRUST = cliTrustAdvice({});
const HOST = 'llm.internal:8443';

describe('network errors: refused certificates and proxies', () => {
  describe('a refused certificate is one sentence with its own fix', () => {
    const table: { code: string; extra?: Record<string, unknown>; says: RegExp; fix: RegExp }[] = [
      {
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        says: /signed by a certificate authority that is not trusted here/,
        fix: /set NODE_EXTRA_CA_CERTS to a PEM file that holds that authority's certificate\.$/,
      },
      {
        code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        says: /signed by a certificate authority that is not trusted here/,
        fix: /NODE_EXTRA_CA_CERTS/,
      },
      {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
        says: /signed by a certificate authority that is not trusted here/,
        fix: /NODE_EXTRA_CA_CERTS/,
      },
      {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        says: /is self-signed/,
        fix: /If you trust that server, set NODE_EXTRA_CA_CERTS to a PEM file that holds its certificate\.$/,
      },
      { code: 'CERT_HAS_EXPIRED', says: /has expired/, fix: /Its owner must renew it/ },
      { code: 'CERT_NOT_YET_VALID', says: /is not valid yet/, fix: /check this computer's date and time/ },
      {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        extra: { host: 'llm.internal', cert: { subjectaltname: 'DNS:other.example' } },
        says: /is for other host names: DNS:other\.example \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
        fix: /Use a base URL with one of them\.$/,
      },
    ];
    for (const { code, extra, says, fix } of table) {
      it(code, () => {
        const e = errorFromNetwork(fetchFailed(code, extra), HOST, CLI_TRUST);
        assert.equal(e.kind, 'tls');
        assert.equal(e.detail, code);
        assert.ok(e.message.startsWith(`Could not reach ${HOST}: its TLS certificate `), e.message);
        assert.match(e.message, says);
        assert.match(e.message, fix);
        assert.ok(e.message.includes(`(${code})`), e.message);
        assert.doesNotMatch(e.message, /fetch failed|\n/);
      });
    }

    it('finds the code under undici wrappers (UND_ERR_PRX_TLS) and says nothing for other codes', () => {
      const wrapped = new TypeError('fetch failed', {
        cause: Object.assign(new Error('Secure Proxy Connection failed'), {
          code: 'UND_ERR_PRX_TLS',
          cause: Object.assign(new Error('expired'), { code: 'CERT_HAS_EXPIRED' }),
        }),
      });
      assert.equal(tlsFailure(wrapped)?.problem, 'expired');
      assert.equal(tlsFailure(fetchFailed('ECONNREFUSED')), undefined);
      assert.equal(tlsFailure(fetchFailed('constructor')), undefined);
      assert.equal(errorFromNetwork(fetchFailed('ECONNRESET'), HOST).kind, 'network');
      assert.match(
        errorFromNetwork(fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID'), HOST).message,
        /is for other host names \(ERR_TLS_CERT_ALTNAME_INVALID\)\. Use a base URL with a name the certificate lists\.$/,
      );
    });

    it('names NODE_EXTRA_CA_CERTS in the terminal only; the extension points at the system certificates', () => {
      const vscode = errorFromNetwork(fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), HOST);
      assert.doesNotMatch(vscode.message, /NODE_EXTRA_CA_CERTS/);
      assert.match(
        vscode.message,
        /add that authority's certificate to the operating system's trusted certificates \(VS Code uses them while "http\.systemCertificates" is on\), then reload the window\.$/,
      );
      assert.equal(
        errorFromNetwork(fetchFailed('CERT_HAS_EXPIRED'), HOST).message,
        errorFromNetwork(fetchFailed('CERT_HAS_EXPIRED'), HOST, CLI_TRUST).message,
        'a fix that is the same everywhere is worded once',
      );
      assert.doesNotMatch(DEFAULT_TRUST_ADVICE('x'), /NODE_EXTRA_CA_CERTS/);
    });

    it('in the terminal, with NODE_EXTRA_CA_CERTS already set, says that file lacks the certificate', () => {
      const e = errorFromNetwork(
        fetchFailed('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
        HOST,
        cliTrustAdvice({ NODE_EXTRA_CA_CERTS: '/etc/ssl/corp.pem' }),
      );
      assert.match(
        e.message,
        /make sure NODE_EXTRA_CA_CERTS \(now \/etc\/ssl\/corp\.pem\) names a PEM file that holds that authority's certificate\.$/,
      );
    });
  });

  describe('a proxy failure names the proxy, never its credentials', () => {
    const proxy = 'proxy.corp:3128';

    it('407 (and tinyproxy’s 401 for a wrong password): a user name and password are needed', () => {
      for (const status of [407, 401]) {
        const e = errorFromNetwork(new TypeError('fetch failed', { cause: new ProxyFailure(proxy, status) }), HOST);
        assert.equal(e.kind, 'proxy');
        assert.equal(e.status, status);
        assert.match(
          e.message,
          /^The proxy proxy\.corp:3128 lets no request through without a valid user name and password/,
        );
        assert.match(e.message, /put them in the proxy URL, http:\/\/user:password@host:port\.$/);
      }
      const e = errorFromNetwork(new TypeError('fetch failed', { cause: new ProxyFailure(proxy, 407) }), HOST);
      assert.match(e.message, /\(it answered 407 Proxy Authentication Required\)/);
    });

    it('another answer to CONNECT: the proxy did not reach the server', () => {
      const e = errorFromNetwork(new TypeError('fetch failed', { cause: new ProxyFailure(proxy, 502) }), HOST);
      assert.equal(e.kind, 'proxy');
      assert.match(
        e.message,
        /^The proxy proxy\.corp:3128 did not open a connection to llm\.internal:8443 \(it answered 502 Bad Gateway\)/,
      );
    });

    it('no connection to the proxy: says it is the proxy, not the server', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3128'), { code: 'ECONNREFUSED' });
      const e = errorFromNetwork(
        new TypeError('fetch failed', { cause: new ProxyFailure(proxy, undefined, { cause: refused }) }),
        HOST,
      );
      assert.equal(e.kind, 'proxy');
      assert.equal(
        e.message,
        'Could not reach the proxy proxy.corp:3128: connection refused (is the proxy running?). Check the proxy URL.',
      );
    });

    it("the proxy's own certificate: the TLS sentence, about the proxy", () => {
      const e = errorFromNetwork(
        new TypeError('fetch failed', {
          cause: new ProxyFailure(proxy, undefined, { cause: fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT').cause }),
        }),
        HOST,
        CLI_TRUST,
      );
      assert.equal(e.kind, 'tls');
      assert.match(e.message, /^Could not reach the proxy proxy\.corp:3128: its TLS certificate is self-signed/);
    });

    it('the credentials in a proxy URL are secrets the terminal client redacts', () => {
      const secrets = proxySecrets({ HTTPS_PROXY: 'http://alice:p%40ss%3Aword@proxy.corp:3128', NO_PROXY: 'x' });
      const line = 'tried http://alice:p%40ss%3Aword@proxy.corp:3128 with p@ss:word';
      const out = redactSecrets(line, secrets);
      assert.doesNotMatch(out, /p%40ss|p@ss/);
      assert.deepEqual(proxySecrets({ HTTP_PROXY: 'http://proxy.corp:3128' }), []);
      assert.deepEqual(proxySecrets({ HTTP_PROXY: 'not a url' }), []);
    });
  });

  describe('neither is retried: a certificate or a proxy that failed once fails again', () => {
    it('RetryPolicy', () => {
      const tls = errorFromNetwork(fetchFailed('CERT_HAS_EXPIRED'), HOST);
      const proxy = errorFromNetwork(new TypeError('fetch failed', { cause: new ProxyFailure('p:1', 407) }), HOST);
      assert.equal(RetryPolicy.isRetryable(tls), false);
      assert.equal(RetryPolicy.isRetryable(proxy), false);
      assert.equal(RetryPolicy.isRetryable(errorFromNetwork(fetchFailed('ECONNRESET'), HOST)), true);
    });

    it('the client makes one attempt and passes its trust advice on', async () => {
      let calls = 0;
      const client = new ArceeClient({
        baseUrl: 'https://llm.internal:8443/v1',
        trustAdvice: CLI_TRUST,
        sleep: () => Promise.resolve(),
        fetch: () => {
          calls++;
          return Promise.reject(fetchFailed('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'));
        },
      });
      const e = await rejects(collect(client.streamChat(req(), { signal: new AbortController().signal })));
      assert.equal(e.kind, 'tls');
      assert.equal(calls, 1);
      assert.match(e.message, /NODE_EXTRA_CA_CERTS/);
      const models = await rejects(client.listModels({ signal: new AbortController().signal }));
      assert.equal(models.kind, 'tls');
      assert.equal(calls, 2);
    });
  });
});
