import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../azurite';
import { DEMO_PEOPLE, writePlaygroundConfig } from './people';

/**
 * Starts the Microsoft 365 Agents Playground (the local Teams-like client) as a
 * child process, pointed at a bot endpoint, with the Concordat mock tenant and
 * one demo person as its current user (scripts/playground/people.ts).
 *
 *   const pg = await startPlayground({ botEndpoint: 'http://127.0.0.1:3978/api/messages', person: 'tom', logDir: 'devTools/playground/tom' });
 *   // pg.url === 'http://127.0.0.1:56150' (open it in a browser, or drive it with test/support/playgroundClient.ts)
 *   await pg.stop();
 *
 * Behaviour of the CLI (0.2.28) that this relies on:
 * - With stdout not a TTY, its only stdout output is `Listening on <port>`;
 *   every console.* call goes to the log file instead (M365_AGENTS_PLAYGROUND_LOGFILE,
 *   deleted at each start). Config errors are logged there and the process
 *   exits 1, possibly *after* it has printed `Listening on`.
 * - A busy port silently falls back to a random one, and `-p 0` picks a free one.
 *   The port is chosen here instead (a busy one is an error), so that the mock
 *   connector's serviceUrl, which the bot calls back, can name 127.0.0.1 and
 *   the right port (the playground's own default is http://localhost:<port>).
 * - It listens on every interface and has no option for it: scripts/playground/loopback.cjs
 *   is preloaded so that it listens on 127.0.0.1 only.
 * - A missing config file silently falls back to a built-in tenant (Alex Wilber
 *   & co.), so the path is checked here.
 */
export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Port for the playground UI and APIs. Default 56150; 0 picks a free port. */
  port?: number;
  /** Directory for the log file and the child's working directory. One per running instance: the log is wiped at start. */
  logDir: string;
  /** The demo person who is the current user (scripts/playground/people.ts). Default: the first, Priya Shah. */
  person?: string;
  /** A hand-written Agents Playground YAML config instead of `person`'s generated one. */
  configPath?: string;
  /** How long to wait for the HTTP API to answer. Default 30 s. */
  startTimeoutMs?: number;
}

export interface RunningPlayground {
  /** Base URL of the UI and APIs, e.g. http://127.0.0.1:56150 (no trailing slash). */
  url: string;
  port: number;
  logFile: string;
  /** Kills the playground and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export const DEFAULT_PLAYGROUND_PORT = 56150;
const LOG_FILE_NAME = 'm365agentsplayground.log';
const CONFIG_FILE_NAME = 'playground.yml';
const LOOPBACK_PRELOAD = path.resolve(__dirname, 'loopback.cjs');

/** Resolves `port` if nothing listens on it at 127.0.0.1; 0 means any free port. */
async function loopbackPort(port: number): Promise<number> {
  if (port === 0) return freePort();
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!free) throw new Error(`Agents Playground: port ${port} on 127.0.0.1 is in use (another npm start?). Stop it, or choose another first port with PLAYGROUND_PORT.`);
  return port;
}

function playgroundCli(): string {
  // The package has no usable `main`, so resolve its package.json and take cli.js beside it.
  return path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log file)';
  }
}

function withLoopbackNoProxy(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // The playground routes its calls to the bot through HTTP(S)_PROXY unless NO_PROXY says otherwise.
  const current = env.NO_PROXY ?? env.no_proxy;
  const noProxy = [current, '127.0.0.1', 'localhost', '::1'].filter(Boolean).join(',');
  return { ...env, NO_PROXY: noProxy, no_proxy: noProxy };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startPlayground(opts: PlaygroundOptions): Promise<RunningPlayground> {
  const logDir = path.resolve(opts.logDir);
  mkdirSync(logDir, { recursive: true });
  let configPath: string;
  if (opts.configPath) {
    configPath = path.resolve(opts.configPath);
    if (!existsSync(configPath)) throw new Error(`Agents Playground config not found: ${configPath}`);
  } else {
    configPath = path.join(logDir, CONFIG_FILE_NAME);
    writePlaygroundConfig(configPath, opts.person ?? DEMO_PEOPLE[0]!.key);
  }
  const logFile = path.join(logDir, LOG_FILE_NAME);
  const chosenPort = await loopbackPort(opts.port ?? DEFAULT_PLAYGROUND_PORT);
  const timeoutMs = opts.startTimeoutMs ?? 30_000;

  const args = [
    '-r', LOOPBACK_PRELOAD,
    playgroundCli(), 'start', '-e', opts.botEndpoint, '-c', 'msteams', '--disable-telemetry',
    '-p', String(chosenPort), '--service-url', `http://127.0.0.1:${chosenPort}/_connector`,
  ];
  const child = spawn(process.execPath, args, {
    cwd: logDir,
    env: {
      ...withLoopbackNoProxy(process.env),
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  let port: number | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    const m = /Listening on (\d+)/.exec(output);
    if (m && port === undefined) port = Number(m[1]);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  // Don't leave an orphan holding the port if this process ends without stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exitCode: number | null | undefined; // undefined while running
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      process.removeListener('exit', killOnExit);
      resolve();
    });
  });
  child.once('error', (err) => {
    output += `\nspawn error: ${err.message}`;
    exitCode ??= -1;
  });

  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const failure = (why: string) =>
    new Error(
      `Agents Playground ${why}.\n` +
        `command: node ${args.join(' ')}\n` +
        (output.trim() ? `output:\n${output.trim()}\n` : '') +
        `log (${logFile}):\n${tail(logFile)}`,
    );

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw failure(`exited during start-up (code ${exitCode})`);
    if (port !== undefined && port !== chosenPort) {
      await stop();
      throw failure(`listened on port ${port}, not ${chosenPort} (taken meanwhile?)`);
    }
    if (port !== undefined) {
      try {
        // /_debug/ping is mounted only after the config has loaded; a bad config exits instead.
        const res = await fetch(`http://127.0.0.1:${port}/_debug/ping`, { signal: AbortSignal.timeout(1000) });
        if (res.ok && (await res.text()) === 'pong') return { url: `http://127.0.0.1:${port}`, port, logFile, stop };
      } catch {
        // not answering yet
      }
    }
    await sleep(150);
  }
  await stop();
  throw failure(`did not answer within ${timeoutMs} ms`);
}

// `npx tsx scripts/playground/start.ts [botEndpoint] [port] [person]` runs it by hand until Ctrl+C.
if (require.main === module) {
  const [endpoint = 'http://127.0.0.1:3978/api/messages', port, person] = process.argv.slice(2);
  startPlayground({ botEndpoint: endpoint, port: port === undefined ? undefined : Number(port), person, logDir: path.resolve('devTools', 'playground', person ?? 'priya') })
    .then((pg) => {
      console.log(`Agents Playground: ${pg.url} (bot ${endpoint}; log ${pg.logFile})`);
      const quit = () => void pg.stop().then(() => process.exit(0));
      process.once('SIGINT', quit);
      process.once('SIGTERM', quit);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
