/**
 * `npm start`: the whole product on this machine, offline, no Azure account.
 * Azurite (on disk under .azurite/), demo data, the function handlers on
 * http://127.0.0.1:3978 with their timers, and the Agents Playground at
 * http://127.0.0.1:56150. A dev host only: in Azure the Functions host runs
 * the same handlers (functions/index.ts).
 */
import path from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../bot/config';
import { consoleLogger } from '../bot/context';
import { createRuntime } from '../bot/runtime';
import { applyDemoPartnershipIfEmpty } from './demoPartnership';
import { startAzurite } from './azurite';
import { startLocalHost } from './localFunctionsHost';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const started = Date.now();
  // The dev host is the one place that chooses local (unauthenticated) mode when none is set.
  const env: NodeJS.ProcessEnv = { ...process.env, CONCORDAT_MODE: process.env.CONCORDAT_MODE ?? 'local' };
  const stops: (() => Promise<void>)[] = [];
  const shutdown = async (code: number) => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // Configuration first: a production start without credentials stops here, before anything runs.
    const config = loadConfig(env);
    if (config.mode === 'local' && !env.STORAGE_CONNECTION) {
      // The well-known development ports, so the default connection string in config.ts finds it.
      const azurite = await startAzurite({ location: path.join(ROOT, '.azurite'), ports: { blob: 10000, queue: 10001, table: 10002 } });
      stops.push(azurite.stop);
      console.log('Azurite      http://127.0.0.1:10002 (tables), :10001 (queues); data in .azurite/');
    }
    const runtime = createRuntime(config, consoleLogger);
    await runtime.ctx.store.ensureTables();
    const { applied } = await applyDemoPartnershipIfEmpty(runtime.ctx);
    console.log(`Store        ${applied ? 'demo partnership applied (env/partnership.demo.json)' : 'already has a directory (kept)'}`);

    const host = await startLocalHost(runtime, { host: config.host, port: config.port });
    stops.push(host.close);
    console.log(`Bot          ${host.url}/api/messages   health: ${host.url}/api/health`);
    console.log(`Config       ${JSON.stringify(describeConfig(config))}`);

    if (config.mode === 'local' && env.PLAYGROUND !== 'off') {
      const { startPlayground } = await import('./playground/start');
      const playground = await startPlayground({
        botEndpoint: `${host.url}/api/messages`,
        port: Number(env.PLAYGROUND_PORT ?? 56150),
        logDir: path.join(ROOT, 'devTools'),
      });
      stops.push(playground.stop);
      console.log(`Playground   ${playground.url}   (open in a browser; you are Priya Shah, Stockport Homes)`);
    }
    console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl+C stops everything.`);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `Concordat could not start: ${(err as Error).stack ?? err}`);
    await shutdown(1);
  }
}

void main();
