import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { Runtime } from '../bot/runtime';
import { readBody } from './body';
import { crossSiteRefusal } from './crossSite';
import { lazySchema } from '../bot/common/lazySchema';

/** Teams activities are small (a card submission is a few KB); a megabyte leaves room and bounds memory. */
export const MAX_ACTIVITY_BYTES = 1024 * 1024;

/** Just enough to know it is an activity; botbuilder validates the rest. */
const ActivityBody = lazySchema(() => z.object({ type: z.string().min(1) }).passthrough());

/** POST /api/messages: the Bot Framework endpoint. */
export async function messages(request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  // Local mode has no authentication: a page on another site must not be able to post activities as a demo user.
  if (runtime.ctx.config.mode === 'local') {
    const refusal = crossSiteRefusal(request.headers);
    if (refusal) return new HttpResponse({ status: refusal.status, jsonBody: { error: refusal.error } });
  }
  const raw = await readBody(request, MAX_ACTIVITY_BYTES);
  if (!raw.ok) return new HttpResponse({ status: raw.status, jsonBody: { error: raw.error } });
  let json: unknown;
  try {
    json = JSON.parse(raw.text);
  } catch {
    json = undefined;
  }
  const body = ActivityBody.safeParse(json);
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
