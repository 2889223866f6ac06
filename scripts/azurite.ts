import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/**
 * Starts the Azurite storage emulator from the project's own node_modules:
 * in memory for tests, on disk for `npm start`.
 */
export interface AzuriteHandle {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
  /** Stops and restarts on the same ports (in-memory data is lost; on-disk data is kept). */
  restart(): Promise<void>;
  /** The emulator's process id while it runs (benches read its CPU time from /proc). */
  readonly pid: number | undefined;
}

export interface AzuriteOptions {
  /** Folder for on-disk data; omitted means in memory. */
  location?: string;
  ports?: { blob: number; queue: number; table: number };
  /**
   * An account of this name (and base64 key) instead of the public development account, which production mode
   * refuses: for loading the production build against the emulator (the cold-start bench).
   */
  account?: { name: string; key: string };
}

const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const ports = options.ports ?? { blob: await freePort(), queue: await freePort(), table: await freePort() };
  const cli = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/azurite.js');
  const args = [
    cli,
    ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
    '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose',
    '--blobHost', '127.0.0.1', '--blobPort', String(ports.blob),
    '--queueHost', '127.0.0.1', '--queuePort', String(ports.queue),
    '--tableHost', '127.0.0.1', '--tablePort', String(ports.table),
  ];

  let child: ChildProcess | undefined;
  const launch = async () => {
    const env = options.account ? { ...process.env, AZURITE_ACCOUNTS: `${options.account.name}:${options.account.key}` } : process.env;
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    try {
      await Promise.all([waitForPort(ports.table, proc), waitForPort(ports.queue, proc)]);
    } catch (err) {
      proc.kill('SIGKILL');
      throw new Error(`Azurite did not start: ${(err as Error).message}\n${stderr}`);
    }
  };
  const halt = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    // Azurite can take over a second to exit on SIGTERM; do not wait forever.
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  const host = '127.0.0.1';
  const account = options.account ?? { name: 'devstoreaccount1', key: ACCOUNT_KEY };
  return {
    ports,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${account.name};AccountKey=${account.key};` +
      `BlobEndpoint=http://${host}:${ports.blob}/${account.name};` +
      `QueueEndpoint=http://${host}:${ports.queue}/${account.name};` +
      `TableEndpoint=http://${host}:${ports.table}/${account.name};`,
    stop: halt,
    get pid() {
      return child?.pid;
    },
    async restart() {
      await halt();
      await launch();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

// Generous: on a loaded machine with a cold disk cache (a fresh `npm ci`, as in
// .ci/run) Azurite has taken over 20 s to load its modules. A crash still fails at once.
async function waitForPort(port: number, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`exited with code ${proc.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}
