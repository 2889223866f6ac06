import { loadConfig, describeConfig, type Config } from './config';
import { consoleLogger, type AppContext, type Logger } from './context';
import { openStore } from './store/store';
import { graphFromConfig } from './graph';
import type { Transport } from './outbox/transport';
import { storageQueueWaker } from './outbox/wake';
import { createTeamsEdge, type TeamsEdge } from './teams/endpoint';
import packageJson from '../package.json';

export const VERSION: string = packageJson.version;

export interface Runtime {
  ctx: AppContext;
  bot: TeamsEdge['endpoint'];
  transport: Transport;
}

/** The composition root: config, store, clock and logger wired together once per process. */
export function createRuntime(config: Config, log: Logger = consoleLogger, clock: () => Date = () => new Date()): Runtime {
  const store = openStore(config.storage, config.tablePrefix);
  const wake = storageQueueWaker(config.storage, config.tablePrefix, log);
  const ctx: AppContext = { config, store, clock, log, graph: graphFromConfig(config, log), wake };
  const teams = createTeamsEdge(ctx);
  return { ctx, bot: teams.endpoint, transport: teams.transport };
}

let current: Promise<Runtime> | undefined;

/** The process-wide runtime for the Functions host, built on first use from the environment. */
export function runtimeFromEnv(): Promise<Runtime> {
  current ??= (async () => {
    const config = loadConfig(process.env);
    consoleLogger.info('Concordat starting', { version: VERSION, ...describeConfig(config) });
    const runtime = createRuntime(config);
    await runtime.ctx.store.ensureTables();
    return runtime;
  })().catch((err) => {
    current = undefined; // a storage outage at start-up should not poison the instance
    throw err;
  });
  return current;
}
