import type { GraphGateway } from '../graph/gateway';
import type { PeopleFile, ResolvedPeopleFile } from './model';
import type { Checked } from './rules/validate';

/** What resolving needs of Microsoft Graph (bot/graph/gateway.ts); undefined when Graph is not configured. */
export type UserLookup = Pick<GraphGateway, 'tenantId' | 'userIdsByUpn'>;

/**
 * Gives every person of a people file named by user principal name their
 * Entra object id, through Microsoft Graph. Nothing is planned from a UPN
 * Graph did not resolve: each such row is an error with its path, and the
 * file as a whole changes nothing. Graph reads one tenant: a partner
 * tenant's people are named by object id (their own administrators have it).
 */
export async function resolvePeopleUpns(file: PeopleFile, users: UserLookup | undefined): Promise<Checked<ResolvedPeopleFile>> {
  const named = file.people.map((p, i) => ({ p, i })).filter(({ p }) => p.aadObjectId === undefined);
  if (named.length === 0) return { ok: true, value: file as ResolvedPeopleFile };
  const at = (i: number) => `people[${i}].userPrincipalName`;
  if (!users) {
    return {
      ok: false,
      errors: named.map(({ p, i }) => `${at(i)}: ${p.userPrincipalName} cannot be resolved to an object id: Microsoft Graph is not configured (GRAPH_CLIENT_SECRET or GRAPH_MANAGED_IDENTITY, with User.Read.All). Give the aadObjectId instead`),
    };
  }
  const errors: string[] = [];
  const askable = named.filter(({ p, i }) => {
    if (p.tenantId === users.tenantId) return true;
    errors.push(`${at(i)}: ${p.userPrincipalName} is in tenant ${p.tenantId}, and Graph here reads tenant ${users.tenantId} only: give the aadObjectId instead`);
    return false;
  });
  let ids = new Map<string, string>();
  try {
    if (askable.length) ids = await users.userIdsByUpn(askable.map(({ p }) => p.userPrincipalName!));
  } catch (err) {
    return { ok: false, errors: [...errors, ...askable.map(({ i }) => `${at(i)}: Microsoft Graph could not be asked (${(err as Error).message.slice(0, 200)}); nothing changed, try again`)] };
  }
  const byId = new Map(file.people.flatMap((p, i) => (p.aadObjectId ? [[p.aadObjectId, i] as const] : [])));
  const people = file.people.map((p) => ({ ...p })) as ResolvedPeopleFile['people'];
  for (const { p, i } of askable) {
    const id = ids.get(p.userPrincipalName!);
    if (!id) {
      errors.push(`${at(i)}: no user ${p.userPrincipalName} in tenant ${users.tenantId}`);
      continue;
    }
    const twin = byId.get(id);
    if (twin !== undefined) {
      errors.push(`${at(i)}: ${p.userPrincipalName} is the same person as people[${twin}]`);
      continue;
    }
    byId.set(id, i);
    people[i] = { ...p, aadObjectId: id };
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: { ...file, people } };
}
