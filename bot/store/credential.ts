import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * The app's Azure identity for storage (tables and the wake queue): on Azure
 * the user-assigned managed identity named by AZURE_CLIENT_ID, elsewhere the
 * developer's login (DefaultAzureCredential).
 *
 * @azure/identity is loaded on the first token request, not at start-up: it
 * is one of the heaviest imports, and a process on a connection string (the
 * tests, `npm start`) never asks for a token.
 */
export function azureCredential(env: NodeJS.ProcessEnv = process.env): TokenCredential {
  let real: Promise<TokenCredential> | undefined;
  const load = () =>
    (real ??= import('@azure/identity')
      .then(({ DefaultAzureCredential, ManagedIdentityCredential }) =>
        env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: env.AZURE_CLIENT_ID }) : new DefaultAzureCredential(),
      )
      .catch((err: unknown) => {
        real = undefined;
        throw err;
      }));
  return {
    getToken: async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => (await load()).getToken(scopes, options),
  };
}
