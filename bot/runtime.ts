import { loadConfig, describeConfig, type Config } from './kernel/config';
import { type AppContext } from './kernel/context';
import { consoleLogger, type Logger } from './kernel/logger';
import { openStore } from './store/store';
import { appTables } from './tables';
import { announceGraph, graphFromConfig } from './graph';
import type { Transport } from './outbox/transport';
import { storageQueueWaker } from './outbox/wake';
import { OUTBOX_HOOKS } from './outboxHooks';
import type { BotHttpRequest, BotHttpResponse, TeamsEdge } from './teams/endpoint';
import packageJson from '../package.json';

export const VERSION: string = packageJson.version;

export interface Runtime {
  ctx: AppContext;
  /** The bot endpoint. The Teams layer (teams-ai, botbuilder, every route and card) is loaded on its first call. */
  bot: (req: BotHttpRequest) => Promise<BotHttpResponse>;
  /** How the outbox posts to Teams. The Bot Connector is loaded on the first post, so a sender with nothing to send never loads it. */
  transport: Transport;
  /** Loads and builds the Teams layer now (what the first `bot` call would do). */
  teams(): Promise<TeamsEdge>;
}

/**
 * The composition root: config, store, clock and logger wired together once
 * per process. Nothing heavy is loaded here: every function's instance
 * builds this, and a timer that only reads tables must not pay for the Teams
 * SDK (docs/performance.md, `npm run bench -- coldImport`).
 */
export function createRuntime(config: Config, log: Logger = consoleLogger, clock: () => Date = () => new Date()): Runtime {
  const store = openStore(config.storage, config.tablePrefix, appTables(config));
  const wake = storageQueueWaker(config.storage, config.tablePrefix, log);
  const ctx: AppContext = { config, store, clock, log, graph: graphFromConfig(config, log), wake, outboxHooks: OUTBOX_HOOKS };
  let edge: Promise<TeamsEdge> | undefined;
  const teams = () =>
    (edge ??= import('./teams/endpoint').then((m) => m.createTeamsEdge(ctx)).catch((err: unknown) => {
      edge = undefined;
      throw err;
    }));
  // The sender needs only the Bot Connector: when this process has not built the Teams layer, it gets an
  // adapter of its own rather than the whole app (a timer instance sends without loading a single route).
  let sender: Promise<Transport> | undefined;
  const connector = () =>
    (sender ??= (edge ? edge.then((e) => e.transport) : import('./teams/transport').then((m) => m.connectorTransport(config))).catch((err: unknown) => {
      sender = undefined;
      throw err;
    }));
  const transport: Transport = {
    post: async (target, payload, dispatch) => (await connector()).post(target, payload, dispatch),
    update: async (target, activityId, payload, dispatch) => (await connector()).update(target, activityId, payload, dispatch),
  };
  return { ctx, bot: async (req) => (await teams()).endpoint(req), transport, teams };
}

/**
 * The host's start-up lines, once per process: the version and configuration (never a secret), and whether Graph
 * is on. Written when the host first builds its runtime, not by every runtime built (tests and benches build many).
 */
export function announceStart(config: Config, log: Logger): void {
  log.info('Concordat starting', { version: VERSION, ...describeConfig(config) });
  announceGraph(config, log);
}

let current: Promise<Runtime> | undefined;

/** The process-wide runtime for the Functions host, built on first use from the environment. */
export function runtimeFromEnv(): Promise<Runtime> {
  current ??= (async () => {
    const config = loadConfig(process.env);
    announceStart(config, consoleLogger);
    // No ensureTables here: each table is created, if missing, on its first use in this process (EntityTable),
    // so a cold start no longer sends one request per table of the app (~70) before its first line of work.
    return createRuntime(config);
  })().catch((err) => {
    current = undefined; // a storage outage at start-up should not poison the instance
    throw err;
  });
  return current;
}
