import type { Config } from '../config';
import type { Logger } from '../context';
import { createGraphClient, credentialFor } from './client';
import { createGraphGateway, type GraphGateway } from './gateway';

export type { GraphGateway } from './gateway';

/**
 * Graph for this process, or undefined when no Graph credentials are
 * configured. Called once at start-up, which is where "off" is said, once.
 */
export function graphFromConfig(config: Config, log: Logger): GraphGateway | undefined {
  if (!config.graph) {
    log.info('Microsoft Graph is off (no GRAPH_CLIENT_SECRET or GRAPH_MANAGED_IDENTITY): no calendar events, no installing the bot for users');
    return undefined;
  }
  log.info('Microsoft Graph is on', {
    credential: config.graph.credential.kind,
    organiser: config.graph.organiser ?? "the coordinator's calendar",
    installForUsers: config.graph.teamsAppCatalogId ? 'on' : 'off (no GRAPH_TEAMS_APP_CATALOG_ID)',
  });
  return createGraphGateway(createGraphClient(credentialFor(config.graph)), config.graph, log);
}
