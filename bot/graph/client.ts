import { ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions, type Middleware } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { GraphSettings } from './settings';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export function credentialFor(settings: GraphSettings): TokenCredential {
  return settings.credential.kind === 'secret'
    ? new ClientSecretCredential(settings.tenantId, settings.clientId, settings.credential.secret)
    : new ManagedIdentityCredential(settings.credential.clientId ? { clientId: settings.credential.clientId } : {});
}

/**
 * A Graph client with an explicit middleware chain: authentication (a bearer
 * token from the credential), retries (429/503/504, honouring Retry-After),
 * then the terminal handler. Production uses the real HTTP handler; tests put
 * a fake Graph there, so the real auth and retry handlers are exercised.
 */
export function createGraphClient(credential: TokenCredential, terminal: Middleware = new HTTPMessageHandler()): Client {
  const auth = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }));
  const retry = new RetryHandler(new RetryHandlerOptions(1, 3));
  auth.setNext(retry);
  retry.setNext(terminal);
  return Client.initWithMiddleware({ middleware: auth });
}
