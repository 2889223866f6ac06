import { TeamsAdapter } from '@microsoft/teams-ai';
import type { AppContext } from '../../bot/kernel/context';
import type { Runtime } from '../../bot/runtime';
import { createTeamsApp } from '../../bot/teams/app';
import { botEndpoint } from '../../bot/teams/endpoint';
import { createTeamsTransport } from '../../bot/teams/transport';

/**
 * TEST ONLY. A runtime whose Bot Framework authentication accepts every
 * request, as if each carried a valid Bot Framework JWT, around the real
 * app built from `ctx` (a production config: its tenant check is live).
 * Used to show what the app itself refuses once a request is past the JWT
 * check (another tenant), without minting tokens.
 */
export function runtimeWithAcceptingAuth(ctx: AppContext): Runtime {
  // An adapter without credentials skips JWT validation: the stand-in for "the token was valid".
  const adapter = new TeamsAdapter({});
  const app = createTeamsApp(ctx, adapter);
  const bot = botEndpoint(adapter, app);
  const transport = createTeamsTransport(adapter, '');
  return { ctx, bot, transport, teams: async () => ({ endpoint: bot, transport }) };
}
