import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { receivePartnerAlert } from '../bot/alerts/api';
import type { Runtime } from '../bot/runtime';
import { MAX_BODY_BYTES } from '../bot/partners/signedRequest';
import { readBody } from './body';

/** POST /api/alerts: partner systems raise alerts (HMAC-signed; see docs/partner-api.md). */
export async function alerts(request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  const body = await readBody(request, MAX_BODY_BYTES);
  if (!body.ok) return new HttpResponse({ status: body.status, jsonBody: { error: body.error } });
  const res = await receivePartnerAlert(runtime.ctx, { headers: Object.fromEntries(request.headers.entries()), body: body.text });
  return new HttpResponse({ status: res.status, jsonBody: res.body });
}
