import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { receivePartnerPriorities } from '../bot/priorities/api';
import type { Runtime } from '../bot/runtime';
import { MAX_BODY_BYTES } from '../bot/partners/signedRequest';
import { readBody } from './body';

/** POST /api/priorities: a police system publishes a borough's priorities (HMAC-signed; see docs/partner-api.md). */
export async function priorities(request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  const body = await readBody(request, MAX_BODY_BYTES);
  if (!body.ok) return new HttpResponse({ status: body.status, jsonBody: { error: body.error } });
  const res = await receivePartnerPriorities(runtime.ctx, { headers: Object.fromEntries(request.headers.entries()), body: body.text });
  return new HttpResponse({ status: res.status, jsonBody: res.body });
}
