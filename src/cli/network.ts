/**
 * How the terminal client reaches the server. Node's global fetch ignores HTTPS_PROXY, HTTP_PROXY and NO_PROXY, so
 * inside a corporate network it cannot connect; undici's own fetch with its EnvHttpProxyAgent reads them (and their
 * lower-case forms) the way curl and most tools do. undici connects with Node's default TLS context, which holds the
 * certificates of NODE_EXTRA_CA_CERTS (node reads that file at start-up), so a private CA needs nothing here.
 *
 * undici is bundled into dist/cli.js only: the extension's requests go through VS Code's own proxy support.
 */
import type { Dispatcher, Pool } from 'undici';
import { ProxyFailure } from '../providers/errorClassify';
import { ArceeError, type TrustAdvice } from '../providers/errors';

/** The proxy variables, in the order EnvHttpProxyAgent prefers them (a lower-case one wins over its upper-case twin). */
const PROXY_VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;

type ConnectOptions = Parameters<Pool['connect']>[0];
type ConnectCallback = (err: Error | null, data: Dispatcher.ConnectData) => void;

/** The terminal client's way to the server: a fetch for ArceeClient, and what closes its connections. */
export interface CliNetwork {
  fetch: typeof fetch;
  /** Closes the connections (idle ones too), so the process can end. */
  close(): Promise<void>;
}

/**
 * undici's fetch through the proxies the environment names. undici is loaded on the first request, not when the
 * client starts: it is most of dist/cli.js, and `--help`, a mistyped flag or a prompt still being typed need none of
 * it. A proxy URL that is no URL fails that request with a `proxy` ArceeError.
 */
export function cliNetwork(env: NodeJS.ProcessEnv): CliNetwork {
  let loaded: Promise<CliNetwork> | undefined;
  const load = (): Promise<CliNetwork> => (loaded ??= viaUndici(env));
  return {
    fetch: async (input, init) => (await load()).fetch(input, init),
    close: async () => {
      const network = await loaded?.catch(() => undefined);
      await network?.close();
    },
  };
}

async function viaUndici(env: NodeJS.ProcessEnv): Promise<CliNetwork> {
  const { EnvHttpProxyAgent, Pool, fetch: undiciFetch } = await import('undici');

  /**
   * The connection to one proxy. undici opens a tunnel through it with CONNECT for every request, also to an
   * http:// server; a failure there becomes a ProxyFailure that names the proxy (host and port, never the user and
   * password its URL may hold), so the sentence says it was the proxy and not the server.
   */
  class NamedProxyPool extends Pool {
    private readonly proxy: string;

    constructor(origin: URL, options: Pool.Options) {
      super(origin, options);
      this.proxy = origin.host;
    }

    override connect(options: ConnectOptions): Promise<Dispatcher.ConnectData>;
    override connect(options: ConnectOptions, callback: ConnectCallback): void;
    override connect(options: ConnectOptions, callback?: ConnectCallback): Promise<Dispatcher.ConnectData> | void {
      const tunnel = super.connect(options).then(
        (data) => {
          if (data.statusCode === 200) return data;
          data.socket.on('error', () => undefined).destroy();
          throw new ProxyFailure(this.proxy, data.statusCode);
        },
        (e: unknown) => {
          throw new ProxyFailure(this.proxy, undefined, { cause: e });
        },
      );
      if (!callback) return tunnel;
      tunnel.then(
        (data) => callback(null, data),
        (e: Error) => callback(e, undefined as unknown as Dispatcher.ConnectData),
      );
    }
  }

  let dispatcher: InstanceType<typeof EnvHttpProxyAgent>;
  try {
    dispatcher = new EnvHttpProxyAgent({
      clientFactory: (origin, options) => new NamedProxyPool(origin, options),
    });
  } catch {
    const bad = PROXY_VARS.find((name) => env[name] && !URL.canParse(env[name]));
    // Never the value: it may hold a password.
    throw new ArceeError(
      'proxy',
      `${bad ?? 'The proxy variable'} is not a URL: give it as http://host:port (with user:password@ before the host if the proxy needs them).`,
    );
  }
  const viaProxy = (...[input, init]: Parameters<typeof undiciFetch>): ReturnType<typeof undiciFetch> =>
    undiciFetch(input, { ...init, dispatcher });
  return {
    // Node's global fetch is built from undici; ArceeClient uses only the standard Request/Response surface.
    fetch: viaProxy as unknown as typeof fetch,
    close: () => dispatcher.destroy(),
  };
}

/**
 * The credentials in the proxy URLs (the password, and user:password as it is written), for redactSecrets: an
 * error or a log line must never show them.
 */
export function proxySecrets(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const name of PROXY_VARS) {
    const value = env[name];
    if (!value || !URL.canParse(value)) continue;
    const { username, password } = new URL(value);
    if (!password) continue;
    out.add(`${username}:${password}`);
    out.add(password);
    out.add(safeDecode(password));
  }
  return [...out];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * How to trust a certificate from the terminal: NODE_EXTRA_CA_CERTS. When it is set already, the file it names does
 * not hold the certificate needed (or could not be read: node warns about that at start-up).
 */
export function cliTrustAdvice(env: NodeJS.ProcessEnv): TrustAdvice {
  const file = env.NODE_EXTRA_CA_CERTS?.trim();
  return (certificate) =>
    file
      ? `make sure NODE_EXTRA_CA_CERTS (now ${file}) names a PEM file that holds ${certificate}`
      : `set NODE_EXTRA_CA_CERTS to a PEM file that holds ${certificate}`;
}
