import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { Runtime } from '../bot/runtime';

/** Just enough to know it is an activity; botbuilder validates the rest. */
const ActivityBody = z.object({ type: z.string().min(1) }).passthrough();

/** POST /api/messages: the Bot Framework endpoint. */
export async function messages(request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  const body = ActivityBody.safeParse(await request.json().catch(() => undefined));
  if (!body.success) {
    return new HttpResponse({ status: 400, jsonBody: { error: 'the body must be a Bot Framework activity in JSON, with a type' } });
  }
  const res = await runtime.bot({ method: request.method, headers: Object.fromEntries(request.headers.entries()), body: body.data });
  return new HttpResponse({
    status: res.status,
    headers: res.headers,
    ...(res.body === undefined ? {} : typeof res.body === 'string' ? { body: res.body } : { jsonBody: res.body }),
  });
}
