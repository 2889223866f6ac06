import type { Config } from './config';
import type { GraphGateway } from '../graph/gateway';
import type { Store } from '../store/store';
import type { OutboxWaker } from '../outbox/wake';
import type { OutboxHooks } from '../outbox/hooks';
import type { Clock } from './clock';
import type { Logger } from './logger';

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
  /**
   * The slices' reactions to delivery outcomes (a conversation the bot was removed from, a dead letter). Wired by
   * the composition root (bot/runtime.ts); absent, the outbox records the outcome and logs that nobody reacted.
   */
  outboxHooks?: OutboxHooks<AppContext>;
}
