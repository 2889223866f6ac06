import type { Store } from '../store/store';
import { DEMO_MEMBERS, DEMO_ORGANISATIONS, DEMO_THEMES } from './demoData';

/** Seeds the demo data set into an empty store; a store with organisations is left alone. */
export async function seedDemoDataIfEmpty(store: Store): Promise<{ seeded: boolean }> {
  const existing = await store.organisations.listPartition('org');
  if (existing.length > 0) return { seeded: false };
  for (const o of DEMO_ORGANISATIONS) await store.organisations.upsert(o);
  for (const t of DEMO_THEMES) await store.themes.upsert(t);
  for (const m of DEMO_MEMBERS) await store.members.upsert(m);
  return { seeded: true };
}
