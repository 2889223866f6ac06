import type { DirectoryCtx } from '../bot/directory/audit';
import { applyDirectoryFile } from '../bot/directory/apply';
import { readHead } from '../bot/directory/repository';
import demo from '../env/partnership.demo.json';

/**
 * The demo concordat (env/partnership.demo.json) applied like any partnership
 * file: `npm start` and the tests use it; nothing else is seeded in code.
 */
export const DEMO_PARTNERSHIP: unknown = demo;

/** Applies the demo file to a store whose directory is empty; a store with a directory is left alone. */
export async function applyDemoPartnershipIfEmpty(ctx: DirectoryCtx): Promise<{ applied: boolean }> {
  if (((await readHead(ctx))?.value.version ?? 0) > 0) return { applied: false };
  const result = await applyDirectoryFile(ctx, DEMO_PARTNERSHIP, 'system');
  if (!result.ok) throw new Error(`the demo partnership file is invalid:\n${result.errors.join('\n')}`);
  return { applied: true };
}
