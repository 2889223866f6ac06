// The module itself, not the package index: the index loads the whole AI layer (planners, models, tokenizers),
// which the sender, building an adapter only to post, must not pay for. Same class object as the index exports.
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import {
  JwtTokenProviderFactory,
  ManagedIdentityServiceClientCredentialsFactory,
  type BotFrameworkAuthentication,
  type ConnectorClient,
  type ConnectorFactory,
} from 'botframework-connector';
import type { Config } from '../kernel/config';

/**
 * The Bot Framework adapter. In local mode it has no app id, which makes
 * botbuilder accept unauthenticated activities: config.ts only allows that
 * on loopback. In production every activity's JWT is validated.
 */
export function createAdapter(config: Config): TeamsAdapter {
  return reuseConnectorClients(adapterFor(config));
}

function adapterFor(config: Config): TeamsAdapter {
  if (config.mode === 'local') return new TeamsAdapter({});
  const auth = {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
    MicrosoftAppPassword: config.bot.password,
  };
  if (config.bot.appType === 'UserAssignedMSI') {
    return new TeamsAdapter(auth, new ManagedIdentityServiceClientCredentialsFactory(config.bot.appId, new JwtTokenProviderFactory()));
  }
  return new TeamsAdapter(auth);
}

/** Distinct (app, service URL, audience) clients kept: Teams uses a handful of service URLs per region. */
const MAX_CONNECTOR_CLIENTS = 32;

/**
 * botbuilder builds a new ConnectorClient, HTTP pipeline and all, for every activity it processes and every
 * conversation it continues (measured: 0.9 ms of CPU a turn, about a tenth of a search turn's work in this process),
 * although a client only holds its service URL and credentials, which get and refresh their token per request. Here
 * each (app id, service URL, audience) gets one client, made on first use and shared by later turns and sends; one
 * whose creation failed is made again next time.
 */
function reuseConnectorClients(adapter: TeamsAdapter): TeamsAdapter {
  const host = adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication };
  const auth = host.botFrameworkAuthentication;
  const clients = new Map<string, Promise<ConnectorClient>>();
  const reusing = (factory: ConnectorFactory | undefined): ConnectorFactory | undefined =>
    factory && {
      create(serviceUrl: string, audience?: string) {
        const key = [(factory as { appId?: string }).appId ?? '', serviceUrl, audience ?? ''].join('\n');
        let client = clients.get(key);
        if (!client) {
          if (clients.size >= MAX_CONNECTOR_CLIENTS) clients.clear();
          client = factory.create(serviceUrl, audience);
          clients.set(key, client);
          client.catch(() => clients.delete(key));
        }
        return client;
      },
    };
  const authenticateRequest = auth.authenticateRequest.bind(auth);
  const authenticateStreamingRequest = auth.authenticateStreamingRequest.bind(auth);
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const r = await authenticateRequest(activity, authHeader);
    return { ...r, connectorFactory: reusing(r.connectorFactory)! };
  };
  auth.authenticateStreamingRequest = async (authHeader, channelIdHeader) => {
    const r = await authenticateStreamingRequest(authHeader, channelIdHeader);
    return { ...r, connectorFactory: reusing(r.connectorFactory)! };
  };
  auth.createConnectorFactory = (claimsIdentity) => reusing(createConnectorFactory(claimsIdentity))!;
  return adapter;
}
