import type { AppContext } from './kernel/context';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  mode: 'local' | 'production';
  store: { reachable: boolean; latencyMs?: number; error?: string };
}

/** Health as the load balancer and an operator see it: 503 when storage is unreachable. */
export async function checkHealth(ctx: AppContext, version: string): Promise<{ httpStatus: number; report: HealthReport }> {
  const started = Date.now();
  try {
    await ctx.store.ping();
    return {
      httpStatus: 200,
      report: { status: 'ok', version, mode: ctx.config.mode, store: { reachable: true, latencyMs: Date.now() - started } },
    };
  } catch {
    return {
      httpStatus: 503,
      report: {
        status: 'degraded',
        version,
        mode: ctx.config.mode,
        store: { reachable: false, error: 'Table storage did not answer within 2 s: nothing can be saved until it is back.' },
      },
    };
  }
}
