import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Request, Response } from 'botbuilder';
import type { AppContext } from '../kernel/context';
import type { Transport } from '../outbox/transport';
import { createAdapter } from './adapter';
import { createTeamsApp, TENANT_REFUSED } from './app';
import { createTeamsTransport } from './transport';

export interface BotHttpRequest {
  method: string;
  headers: Record<string, string>;
  body: unknown;
}
export interface BotHttpResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface TeamsEdge {
  /** The bot endpoint as a plain function: Azure Functions and the dev host call it; neither knows botbuilder. */
  endpoint: (req: BotHttpRequest) => Promise<BotHttpResponse>;
  /** How the outbox posts to Teams. */
  transport: Transport;
}

export function createTeamsEdge(ctx: AppContext): TeamsEdge {
  const adapter = createAdapter(ctx.config);
  const app = createTeamsApp(ctx, adapter);
  const botAppId = ctx.config.mode === 'production' ? ctx.config.bot.appId : '';
  const endpoint = botEndpoint(adapter, app);
  return { endpoint, transport: createTeamsTransport(adapter, botAppId) };
}

/** The HTTP request → adapter → app round trip, with the edge's own answers (403 for a refused tenant). */
export function botEndpoint(adapter: TeamsAdapter, app: Application<TurnState>): (req: BotHttpRequest) => Promise<BotHttpResponse> {
  return async (req) => {
    const out: BotHttpResponse = { status: 200, headers: {} };
    const res: Response = {
      socket: undefined,
      status(code: number) {
        out.status = code;
      },
      header(name: string, value: unknown) {
        out.headers[name] = String(value);
      },
      send(body?: unknown) {
        if (body !== undefined) out.body = body;
      },
      end() {},
    };
    const request: Request = { method: req.method, headers: req.headers, body: req.body as Record<string, unknown> };
    let refused = false;
    await adapter.process(request, res, async (context) => {
      await app.run(context);
      refused = context.turnState.get(TENANT_REFUSED) === true;
    });
    // A tenant the directory does not list gets 403 for every activity, not only invokes.
    if (refused) return { status: 403, headers: {}, body: { error: 'this tenant is not part of the partnership' } };
    return out;
  };
}
