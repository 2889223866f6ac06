import type { InvocationContext, Timer } from '@azure/functions';
import type { Runtime } from '../bot/runtime';
import { detectHotspots } from '../bot/warnings/detect';

/** Timer: hotspot early warnings into the outbox (create-once warning rows make overlapping runs safe). */
export async function warnings(_timer: Timer, context: InvocationContext, runtime: Runtime): Promise<void> {
  const result = await detectHotspots(runtime.ctx);
  context.log(`warnings: ${result.hot} hot, ${result.raised.length} raised, ${result.enqueued} cards enqueued`);
}
