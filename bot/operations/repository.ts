import { odata } from '@azure/data-tables';
import { allOrganisations } from '../referenceData';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../shared/borough';
import type { Member } from '../shared/member';
import { boroughOfOperationId, type JointOperation } from './model';
import type { Organisation } from '../shared/organisation';
import type { Stored } from '../store/entityTable';
import { activeMembers } from '../directory/repository';

/** An operation by id: the id names its borough, which is its partition, so this is one point read. */
export async function loadOperation(ctx: AppContext, id: string): Promise<Stored<JointOperation> | undefined> {
  const borough = boroughOfOperationId(id);
  if (!borough) return undefined;
  return ctx.store.operations.get({ partitionKey: borough.id, rowKey: id.trim().toUpperCase() });
}

/** Operations that end at or after `endsAfter`, in the given boroughs (all when empty). */
export async function listOperationsEndingAfter(ctx: AppContext, endsAfter: Date, boroughs: readonly BoroughId[] = []): Promise<JointOperation[]> {
  const ends = odata`endsAt ge ${endsAfter.toISOString()}`;
  if (boroughs.length === 0) return (await ctx.store.operations.query(ends)).map((s) => s.value);
  const perBorough = await Promise.all(
    boroughs.map((b) => ctx.store.operations.query(`${odata`PartitionKey eq ${b}`} and ${ends}`)),
  );
  return perBorough.flat().map((s) => s.value);
}

/** The concordat's organisations and members, for names on cards and choices on forms. */
export interface Directory {
  organisations: Map<string, Organisation>;
  members: Map<string, Member>;
}

export async function loadDirectory(ctx: AppContext): Promise<Directory> {
  const [orgs, members] = await Promise.all([allOrganisations(ctx), activeMembers(ctx)]);
  return {
    organisations: new Map(orgs.map((o) => [o.id, o])),
    members: new Map(members.map((m) => [m.aadObjectId, m])),
  };
}
