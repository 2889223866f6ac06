import type { InvocationContext, Timer } from '@azure/functions';
import type { Runtime } from '../bot/runtime';
import { detectHotspots } from '../bot/warnings/detect';

/** Timer: hotspot early warnings into the outbox (create-once warning rows make overlapping runs safe). */
export async function warnings(_timer: Timer, _context: InvocationContext, runtime: Runtime): Promise<void> {
  // detectHotspots logs what it raised; a run that found nothing new says nothing (it runs every 15 minutes).
  await detectHotspots(runtime.ctx);
}
