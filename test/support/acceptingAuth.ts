import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Request, Response } from 'botbuilder';
import type { AppContext } from '../../bot/context';
import type { Runtime } from '../../bot/runtime';
import { createTeamsApp } from '../../bot/teams/app';
import type { BotHttpRequest, BotHttpResponse } from '../../bot/teams/endpoint';
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
  const bot = async (req: BotHttpRequest): Promise<BotHttpResponse> => {
    const out: BotHttpResponse = { status: 200, headers: {} };
    const res: Response = {
      socket: undefined,
      status: (code: number) => void (out.status = code),
      header: (name: string, value: unknown) => void (out.headers[name] = String(value)),
      send: (body?: unknown) => void (body !== undefined && (out.body = body)),
      end: () => {},
    };
    const request: Request = { method: req.method, headers: req.headers, body: req.body as Record<string, unknown> };
    await adapter.process(request, res, async (context) => {
      await app.run(context);
    });
    return out;
  };
  return { ctx, bot, transport: createTeamsTransport(adapter, '') };
}
