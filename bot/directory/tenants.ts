import type { AppContext } from '../kernel/context';
import { loadDirectory } from './repository';
import { tenantListed } from './rules/tenancy';

/** Whether the directory in force lists this tenant for a current organisation. */
export async function tenantServed(ctx: Pick<AppContext, 'store'>, tenantId: string): Promise<boolean> {
  if (!tenantId) return false;
  return tenantListed((await loadDirectory(ctx)).organisations, tenantId);
}
