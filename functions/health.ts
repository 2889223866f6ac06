import { HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import { checkHealth } from '../bot/health';
import { VERSION, type Runtime } from '../bot/runtime';

/** GET /api/health: version, config mode, and whether storage answers. */
export async function health(_request: HttpRequest, _context: InvocationContext, runtime: Runtime): Promise<HttpResponse> {
  const { httpStatus, report } = await checkHealth(runtime.ctx, VERSION);
  return new HttpResponse({ status: httpStatus, jsonBody: report, headers: { 'cache-control': 'no-store' } });
}
