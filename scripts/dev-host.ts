/**
 * `npm start`: the whole product on this machine, offline, no Azure account.
 * Azurite (on disk under .azurite/), demo data, the function handlers on
 * http://127.0.0.1:3978 with their timers, and the Agents Playground: one
 * instance per demo person (scripts/playground/people.ts), Priya Shah's at
 * http://127.0.0.1:56150 from the start, anyone else's started from the
 * launcher page at http://127.0.0.1:56149 when first opened. A dev host only:
 * in Azure the Functions host runs the same handlers (functions/index.ts).
 *
 * `startDevHost` is what `npm start` runs; tests call it too (with ports 0
 * and a store of their own) so they drive exactly the `npm start` set-up.
 */
import http from 'node:http';
import path from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../bot/kernel/config';
import { consoleLogger, type Logger } from '../bot/kernel/logger';
import { announceStart, createRuntime } from '../bot/runtime';
import { applyDemoPartnershipIfEmpty } from './demoPartnership';
import { startAzurite } from './azurite';
import { startLocalHost } from './localFunctionsHost';
import { DEMO_PEOPLE, HOST_TENANT_ID, demoPerson, type DemoPerson } from './playground/people';
import { DEFAULT_PLAYGROUND_PORT, type RunningPlayground } from './playground/start';

const ROOT = path.resolve(__dirname, '..');

export interface DevHostOptions {
  /** Settings, as `npm start` reads them from the environment (bot/kernel/config.ts, plus PLAYGROUND and PLAYGROUND_PORT). */
  env: Record<string, string | undefined>;
  /** Where .azurite/ and devTools/ go. Default: the repository. */
  root?: string;
  /** The start-up lines (what is where). Default console.log. */
  print?: (line: string) => void;
  logger?: Logger;
}

export interface DevHost {
  botUrl: string;
  /** The "be anyone" page, or undefined without playgrounds. */
  launcherUrl?: string;
  /** `key`'s playground, started now if it is not running yet. */
  playground(key: string): Promise<RunningPlayground>;
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * PLAYGROUND: `on` (default: Priya Shah's playground at start, the others on
 * demand), `all` (everyone's at start, ~130 MB each), `off` (none).
 * PLAYGROUND_PORT: the first person's port (default 56150); person n gets
 * PLAYGROUND_PORT + n and the launcher PLAYGROUND_PORT - 1. 0: any free ports.
 */
export async function startDevHost(opts: DevHostOptions): Promise<DevHost> {
  const started = Date.now();
  const { env } = opts;
  const root = opts.root ?? ROOT;
  const print = opts.print ?? ((line: string) => console.log(line));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
  };

  try {
    // Configuration first: a production start without credentials stops here, before anything runs.
    const config = loadConfig(env);
    if (config.mode === 'local' && !env.STORAGE_CONNECTION) {
      // The well-known development ports, so the default connection string in config.ts finds it.
      const azurite = await startAzurite({ location: path.join(root, '.azurite'), ports: { blob: 10000, queue: 10001, table: 10002 } });
      stops.push(azurite.stop);
      print('Azurite      http://127.0.0.1:10002 (tables), :10001 (queues); data in .azurite/');
    }
    announceStart(config, opts.logger ?? consoleLogger);
    const runtime = createRuntime(config, opts.logger ?? consoleLogger);
    await runtime.ctx.store.ensureTables();
    const { applied } = await applyDemoPartnershipIfEmpty(runtime.ctx);
    print(`Store        ${applied ? 'demo partnership applied (env/partnership.demo.json)' : 'already has a directory (kept)'}`);

    // The Teams layer loads on the first bot call (bot/runtime.ts); here it loads before the first person speaks.
    await runtime.teams();
    const host = await startLocalHost(runtime, { host: config.host, port: config.port });
    stops.push(host.close);
    print(`Bot          ${host.url}/api/messages   health: ${host.url}/api/health`);
    print(`Config       ${JSON.stringify(describeConfig(config))}`);

    const mode = config.mode === 'local' ? (env.PLAYGROUND ?? 'on') : 'off';
    if (!['on', 'all', 'off'].includes(mode)) throw new ConfigError([`PLAYGROUND=${mode}: use on, all or off.`]);
    const playgrounds = new Map<string, Promise<RunningPlayground>>();
    const firstPort = Number(env.PLAYGROUND_PORT ?? DEFAULT_PLAYGROUND_PORT);
    if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65535) throw new ConfigError([`PLAYGROUND_PORT=${env.PLAYGROUND_PORT}: a port number, or 0 for any free ports.`]);
    const portOf = (p: DemoPerson) => (firstPort === 0 ? 0 : firstPort + DEMO_PEOPLE.indexOf(p));

    const playground = (key: string): Promise<RunningPlayground> => {
      const person = demoPerson(key);
      let running = playgrounds.get(person.key);
      if (!running) {
        running = import('./playground/start').then(({ startPlayground }) =>
          startPlayground({
            botEndpoint: `${host.url}/api/messages`,
            person: person.key,
            port: portOf(person),
            logDir: path.join(root, 'devTools', 'playground', person.key),
          }),
        );
        playgrounds.set(person.key, running);
        running.then(
          (pg) => stops.push(pg.stop),
          () => playgrounds.delete(person.key), // a failed start can be retried from the launcher
        );
      }
      return running;
    };

    let launcherUrl: string | undefined;
    if (mode !== 'off') {
      const eager = mode === 'all' ? DEMO_PEOPLE : DEMO_PEOPLE.slice(0, 1);
      const [first] = await Promise.all(eager.map((p) => playground(p.key)));
      const launcher = await startLauncher(firstPort === 0 ? 0 : firstPort - 1, playground, playgrounds, portOf);
      stops.push(launcher.close);
      launcherUrl = launcher.url;
      const me = DEMO_PEOPLE[0]!;
      print(`Playground   ${first!.url}   you are ${me.name}, ${me.role}`);
      print(`Be anyone    ${launcher.url}   one playground per person, started when first opened:`);
      for (const p of DEMO_PEOPLE) {
        const port = portOf(p);
        print(`  ${p.name.padEnd(14)} ${launcher.url}/be/${p.key.padEnd(7)} ${port ? `-> :${port}` : ''}  ${p.role}`);
      }
    }
    const readyMs = Date.now() - started;
    print(`Ready in ${(readyMs / 1000).toFixed(1)} s. Ctrl+C stops everything.`);
    return { botUrl: host.url, launcherUrl, playground, readyMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The launcher: a page listing the demo people; `/be/<key>` starts that
 * person's playground if needed and redirects the browser to it.
 * Loopback only, like everything else in local mode.
 */
async function startLauncher(
  port: number,
  playground: (key: string) => Promise<RunningPlayground>,
  playgrounds: Map<string, Promise<RunningPlayground>>,
  portOf: (p: DemoPerson) => number,
): Promise<{ url: string; close(): Promise<void> }> {
  const running = async (key: string) => {
    const pg = playgrounds.get(key);
    return pg ? pg.then((p) => p.url, () => undefined) : undefined;
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const be = /^\/be\/([a-z]+)$/.exec(url.pathname);
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
      } else if (be) {
        const key = be[1]!;
        if (!DEMO_PEOPLE.some((p) => p.key === key)) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No demo person "${key}".`);
          return;
        }
        try {
          const pg = await playground(key);
          res.writeHead(303, { location: pg.url }).end();
        } catch (err) {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${demoPerson(key).name}'s playground did not start:\n${(err as Error).message}`);
        }
      } else if (url.pathname === '/') {
        const rows = await Promise.all(
          DEMO_PEOPLE.map(async (p) => {
            const at = await running(p.key);
            const tenant = p.tenantId === HOST_TENANT_ID ? 'concordat tenant' : `partner tenant ${p.tenantId}`;
            return `<tr><td><a href="/be/${p.key}">${escapeHtml(p.name)}</a></td><td>${escapeHtml(p.role)}</td><td>${escapeHtml(tenant)}</td><td>${at ? `running at ${escapeHtml(at)}` : `starts on first open${portOf(p) ? ` (port ${portOf(p)})` : ''}`}</td></tr>`;
          }),
        );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
          `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
            `<title>Concordat demo: be anyone</title><style>body{font:16px system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.4rem .8rem;text-align:left;border-bottom:1px solid #8884}</style>` +
            `<h1>Concordat demo: be anyone</h1><p>Each person has their own Agents Playground; open one per browser tab. ` +
            `The first open of a person starts theirs (a few seconds). A channel post appears only in the playground of whoever last opened that team (see the README).</p>` +
            `<table><thead><tr><th>Person</th><th>In the demo</th><th>Signs in to</th><th>Playground</th></tr></thead><tbody>${rows.join('')}</tbody></table></html>`,
        );
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

if (require.main === module) {
  void (async () => {
    let host: DevHost | undefined;
    const quit = (code: number) => void (host?.stop() ?? Promise.resolve()).then(() => process.exit(code));
    process.on('SIGINT', () => quit(0));
    process.on('SIGTERM', () => quit(0));
    try {
      // npm start is the local demo unless told otherwise (config has no default mode).
      host = await startDevHost({ env: { ...process.env, CONCORDAT_MODE: process.env.CONCORDAT_MODE ?? 'local' } });
    } catch (err) {
      console.error(err instanceof ConfigError ? err.message : `Concordat could not start: ${(err as Error).stack ?? err}`);
      process.exit(1);
    }
  })();
}
