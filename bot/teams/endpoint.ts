import type { Request, Response } from 'botbuilder';
import type { AppContext } from '../context';
import { createAdapter } from './adapter';
import { createTeamsApp } from './app';

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

/**
 * The bot endpoint as a plain function: an HTTP request in, a response out.
 * Azure Functions and the dev host both call this; neither knows botbuilder.
 */
export function createBotEndpoint(ctx: AppContext): (req: BotHttpRequest) => Promise<BotHttpResponse> {
  const adapter = createAdapter(ctx.config);
  const app = createTeamsApp(ctx, adapter);
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
    await adapter.process(request, res, async (context) => {
      await app.run(context);
    });
    return out;
  };
}
