import type { Config } from './config';
import type { GraphGateway } from './graph/gateway';
import type { Store } from './store/store';
import type { OutboxWaker } from './outbox/wake';

export type Clock = () => Date;

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What every use case may depend on. Built once at start-up; passed in, never imported. */
export interface AppContext {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Microsoft Graph, when configured (calendar events, installing the bot for users); absent means off. */
  graph?: GraphGateway;
  /** Wakes the outbox sender after an enqueue (a Storage queue message); absent: the timer sends it. */
  wake?: OutboxWaker;
}

export const consoleLogger: Logger = {
  info: (m, f) => console.log(JSON.stringify({ level: 'info', msg: m, ...f })),
  warn: (m, f) => console.warn(JSON.stringify({ level: 'warn', msg: m, ...f })),
  error: (m, f) => console.error(JSON.stringify({ level: 'error', msg: m, ...f })),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
