/**
 * Indexes every incident stored before the place-word-within-district search keys existed, at once
 * (bot/search/backfill.ts): run once after deploying the version that introduced them, with the deployment's
 * settings; without it the nightly retention run does the same a few thousand incidents a night. Idempotent:
 * stopped and run again, it carries on; run when there is nothing to do, it says so.
 *
 *   npx tsx scripts/backfillFinder.ts                                  # the Azurite development store
 *   STORAGE_CONNECTION=... TABLE_PREFIX=... npx tsx scripts/backfillFinder.ts
 */
import { loadConfig } from '../bot/kernel/config';
import { consoleLogger } from '../bot/kernel/logger';
import { createRuntime } from '../bot/runtime';
import { indexPlacesWithinDistricts } from '../bot/search/backfill';
import { counted } from '../bot/common/words';

async function main(): Promise<void> {
  const { ctx } = createRuntime(loadConfig(process.env), consoleLogger);
  const started = Date.now();
  const result = await indexPlacesWithinDistricts(ctx, { budget: Number.MAX_SAFE_INTEGER });
  console.log(`${counted(result.reindexed, 'incident')} re-indexed in ${((Date.now() - started) / 1000).toFixed(0)} s; ${result.complete ? 'complete: place-and-district searches read one partition' : 'not complete: run it again'}`);
}

main().catch((err: unknown) => {
  console.error(`backfill failed: ${(err as Error).message}`);
  process.exit(1);
});
