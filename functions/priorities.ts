import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { receivePartnerPriorities } from '../bot/priorities/api';
import type { Runtime } from '../bot/runtime';

/** POST /api/priorities: a police system publishes a borough's priorities (HMAC-signed; see docs/partner-api.md). */
export async function priorities(request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  const res = await receivePartnerPriorities(runtime.ctx, { headers: Object.fromEntries(request.headers.entries()), body: await request.text() });
  return new HttpResponse({ status: res.status, jsonBody: res.body });
}
