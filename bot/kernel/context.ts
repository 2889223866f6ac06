import type { Config } from './config';
import type { GraphGateway } from '../graph/gateway';
import type { Store } from '../store/store';
import type { OutboxWaker } from '../outbox/wake';
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
}
