import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { receivePartnerAlert } from '../bot/alerts/api';
import type { Runtime } from '../bot/runtime';

/** POST /api/alerts: partner systems raise alerts (HMAC-signed; see docs/partner-api.md). */
export async function alerts(request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  const res = await receivePartnerAlert(runtime.ctx, { headers: Object.fromEntries(request.headers.entries()), body: await request.text() });
  return new HttpResponse({ status: res.status, jsonBody: res.body });
}
