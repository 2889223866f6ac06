import type { Config } from '../kernel/config';
import type { Logger } from '../kernel/logger';
import type { GraphGateway } from './gateway';

export type { GraphGateway } from './gateway';

/**
 * What the host says about Graph when it starts (bot/runtime.ts announceStart): off, and what is missing for it,
 * or on, and how. Said once per process, by the host, not by every runtime built: building one writes nothing.
 */
export function announceGraph(config: Config, log: Logger): void {
  if (!config.graph) {
    log.info('Microsoft Graph is off (no GRAPH_CLIENT_SECRET or GRAPH_MANAGED_IDENTITY): no calendar events, no installing the bot for users');
    return;
  }
  log.info('Microsoft Graph is on', {
    credential: config.graph.credential.kind,
    organiser: config.graph.organiser ?? "the coordinator's calendar",
    installForUsers: config.graph.teamsAppCatalogId ? 'on' : 'off (no GRAPH_TEAMS_APP_CATALOG_ID)',
  });
}

/** Graph for this process, or undefined when no Graph credentials are configured (announceGraph says which). */
export function graphFromConfig(config: Config, log: Logger): GraphGateway | undefined {
  if (!config.graph) return undefined;
  const settings = config.graph;
  // The Graph client and @azure/identity are loaded on the first call: most functions never make one
  // (only publishing an operation and installing the bot for users do), and they cost every cold start otherwise.
  let gateway: Promise<GraphGateway> | undefined;
  const real = () =>
    (gateway ??= Promise.all([import('./client'), import('./gateway')])
      .then(([client, g]) => g.createGraphGateway(client.createGraphClient(client.credentialFor(settings)), settings, log))
      .catch((err: unknown) => {
        gateway = undefined;
        throw err;
      }));
  return {
    organiserFor: (coordinator) => settings.organiser ?? coordinator,
    createEvent: async (organiser, event) => (await real()).createEvent(organiser, event),
    updateEvent: async (organiser, eventId, event) => (await real()).updateEvent(organiser, eventId, event),
    cancelEvent: async (organiser, eventId, comment) => (await real()).cancelEvent(organiser, eventId, comment),
    installForUser: async (userId) => (await real()).installForUser(userId),
    tenantId: settings.tenantId.toLowerCase(),
    userIdsByUpn: async (upns) => (await real()).userIdsByUpn(upns),
  };
}
