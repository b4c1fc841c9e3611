/**
 * A real HTTP proxy for tests: Debian's tinyproxy, run in the foreground (`-d`, one process with threads) on a free
 * 127.0.0.1 port with a config this module writes, and stopped by killing that process. Its log shows each request
 * it passed on (`CONNECT 127.0.0.1:<port>` for a tunnel), which is how a test tells that a request went through it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TinyproxyOptions {
  /** Ask clients for this user and password (407 Proxy Authentication Required without them). */
  basicAuth?: { user: string; password: string };
}

/** A port that was free a moment ago (tinyproxy binds it itself; start() retries when another process won it). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class Tinyproxy {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  /** Starts tinyproxy and waits (at most 5 s per try, 3 tries) until it accepts connections. */
  static async start(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-tinyproxy-'));
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await freePort();
      const conf = path.join(dir, 'tinyproxy.conf');
      fs.writeFileSync(
        conf,
        [
          `Port ${port}`,
          'Listen 127.0.0.1',
          'Allow 127.0.0.1',
          'Timeout 30',
          'MaxClients 20',
          `LogFile "${path.join(dir, 'tinyproxy.log')}"`,
          // Connect is the level that logs each request line (the CONNECT) without the debug chatter.
          'LogLevel Connect',
          // No User: as root tinyproxy warns and stays root, so it can write the log file in this folder.
          ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
          '',
        ].join('\n'),
      );
      const child = spawn('tinyproxy', ['-d', '-c', conf], { stdio: 'ignore' });
      const proxy = new Tinyproxy(child, port, dir);
      const spawned = await new Promise<boolean>((resolve) => {
        child.once('spawn', () => resolve(true));
        child.once('error', () => resolve(false));
      });
      if (!spawned) throw new Error('tinyproxy did not start: is the Debian package tinyproxy installed?');
      const deadline = Date.now() + 5_000;
      while (!proxy.exited && Date.now() < deadline) {
        if (await accepts(port)) return proxy;
        await new Promise((r) => setTimeout(r, 50));
      }
      await proxy.stop(false);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error('tinyproxy did not accept connections in 3 tries');
  }

  /** The proxy URL, optionally with credentials in it. */
  url(credentials?: { user: string; password: string }): string {
    const auth = credentials
      ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`
      : '';
    return `http://${auth}127.0.0.1:${this.port}`;
  }

  /** The log so far ('' before tinyproxy wrote any). */
  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'tinyproxy.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** The tunnels (CONNECT requests) the log shows to 127.0.0.1:`port`. */
  tunnelsTo(port: number): number {
    return this.log()
      .split('\n')
      .filter((line) => line.includes(`: CONNECT 127.0.0.1:${port} `)).length;
  }

  /**
   * Waits (at most `timeoutMs`) until the log shows `count` tunnels to `port`: tinyproxy may write its log line
   * a moment after the answer.
   */
  async waitForTunnels(port: number, count: number, timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.tunnelsTo(port) < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.tunnelsTo(port);
  }

  /** Kills tinyproxy (SIGTERM, SIGKILL after 3 s) and deletes its folder unless `removeDir` is false. */
  async stop(removeDir = true): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    if (removeDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
