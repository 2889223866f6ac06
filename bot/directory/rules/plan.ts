import type { Member } from '../../common/member';
import type { Role } from '../../common/access';
import type { Directory, DirectoryOrganisation, DirectoryTheme, PartnershipFile, PersonEntry, ResolvedPeopleFile } from '../model';

/**
 * What applying a file would change, computed without touching the store.
 * Pure: the current directory (and members) in, the change list and the
 * next directory out. `apply` commits exactly this.
 */
export type ChangeKind = 'added' | 'changed' | 'retired' | 'restored' | 'removed';
export interface Change {
  section: 'name' | 'boroughs' | 'organisations' | 'themes' | 'people' | 'administrators' | 'settings';
  id: string;
  change: ChangeKind;
  /** For a change: which fields differ. */
  fields?: string[];
}

export interface DirectoryPlan {
  from: number;
  changes: Change[];
  next: Directory;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
function changedFields<T extends object>(a: T, b: T, ignore: string[] = []): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !ignore.includes(k) && !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])).sort();
}

/** Organisations and themes dropped from the file are retired, never deleted; one listed again is restored. */
function diffRetiring<T extends { id: string; retiredAt?: string }>(
  section: 'organisations' | 'themes',
  current: T[],
  wanted: T[],
  now: string,
  changes: Change[],
): T[] {
  const byId = new Map(current.map((c) => [c.id, c]));
  const next: T[] = [];
  for (const w of wanted) {
    const c = byId.get(w.id);
    if (!c) changes.push({ section, id: w.id, change: 'added' });
    else if (c.retiredAt) changes.push({ section, id: w.id, change: 'restored' });
    else {
      const fields = changedFields(c, w, ['retiredAt']);
      if (fields.length) changes.push({ section, id: w.id, change: 'changed', fields });
    }
    next.push(w);
  }
  const wantedIds = new Set(wanted.map((w) => w.id));
  for (const c of current) {
    if (wantedIds.has(c.id)) continue;
    if (!c.retiredAt) changes.push({ section, id: c.id, change: 'retired' });
    next.push({ ...c, retiredAt: c.retiredAt ?? now });
  }
  return next; // the file's order (themes show in it), retired ones after
}

export function planPartnership(current: Directory, file: PartnershipFile, now: Date): DirectoryPlan {
  const at = now.toISOString();
  const changes: Change[] = [];
  if (current.name !== file.name) changes.push({ section: 'name', id: file.name, change: current.version === 0 ? 'added' : 'changed' });

  const curBoroughs = new Map(current.boroughs.map((b) => [b.id, b]));
  for (const b of file.boroughs) {
    const c = curBoroughs.get(b.id);
    if (!c) changes.push({ section: 'boroughs', id: b.id, change: 'added' });
    else if (!same(c, b)) changes.push({ section: 'boroughs', id: b.id, change: 'changed', fields: changedFields(c, b) });
  }
  for (const b of current.boroughs) if (!file.boroughs.some((x) => x.id === b.id)) changes.push({ section: 'boroughs', id: b.id, change: 'removed' });

  const organisations = diffRetiring<DirectoryOrganisation>('organisations', current.organisations, file.organisations, at, changes);
  const themes = diffRetiring<DirectoryTheme>('themes', current.themes, file.themes, at, changes);

  const curPeople = new Map(current.people.map((p) => [p.aadObjectId, p]));
  for (const p of file.people) {
    const c = curPeople.get(p.aadObjectId);
    if (!c) changes.push({ section: 'people', id: p.aadObjectId, change: 'added' });
    else if (!same(c, p)) changes.push({ section: 'people', id: p.aadObjectId, change: 'changed', fields: changedFields(c, p) });
  }
  for (const p of current.people) if (!file.people.some((x) => x.aadObjectId === p.aadObjectId)) changes.push({ section: 'people', id: p.aadObjectId, change: 'removed' });

  for (const a of file.administrators) if (!current.administrators.includes(a)) changes.push({ section: 'administrators', id: a, change: 'added' });
  for (const a of current.administrators) if (!file.administrators.includes(a)) changes.push({ section: 'administrators', id: a, change: 'removed' });

  if (!same(current.settings, file.settings)) changes.push({ section: 'settings', id: 'settings', change: current.version === 0 ? 'added' : 'changed', fields: changedFields(current.settings, file.settings) });

  const next: Directory = {
    version: current.version + 1,
    name: file.name,
    boroughs: file.boroughs,
    organisations,
    themes,
    people: file.people,
    administrators: file.administrators,
    settings: file.settings,
  };
  return { from: current.version, changes, next };
}

/**
 * The member row a file's person becomes: theme leadership from themes[].leads,
 * administration from administrators. A suspension made in Teams is kept.
 */
export function memberOfPerson(directory: Pick<Directory, 'themes' | 'administrators'>, p: PersonEntry, existing?: Member): Member {
  const leads = directory.themes.filter((t) => !t.retiredAt && t.leads.some((l) => l.person === p.aadObjectId)).map((t) => t.id);
  const roles = new Set<Role>(p.roles);
  if (leads.length) roles.add('themeLead');
  if (directory.administrators.includes(p.aadObjectId)) roles.add('admin');
  return {
    aadObjectId: p.aadObjectId,
    tenantId: p.tenantId,
    displayName: p.displayName,
    ...(p.jobTitle ? { jobTitle: p.jobTitle } : {}),
    organisationId: p.organisation,
    roles: ROLE_ORDER.filter((r) => roles.has(r)),
    leadsThemes: leads,
    status: existing?.status ?? 'active',
    source: 'file',
    joinedAt: existing?.joinedAt,
    confirmedAt: existing?.confirmedAt,
  };
}
export const ROLE_ORDER: Role[] = ['staff', 'coordinator', 'admin', 'themeLead', 'orgLead'];

export interface MemberChange {
  change: 'added' | 'changed' | 'removed';
  member: Member;
  fields?: string[];
}

/** Member rows the directory's named people need: rows for people added or changed, removals for people dropped. */
export function memberChanges(current: Directory, next: Directory, members: Map<string, Member>): MemberChange[] {
  const out: MemberChange[] = [];
  for (const p of next.people) {
    const existing = members.get(p.aadObjectId);
    const wanted = memberOfPerson(next, p, existing);
    if (!existing) out.push({ change: 'added', member: wanted });
    else {
      const fields = changedFields(existing, wanted);
      if (fields.length) out.push({ change: 'changed', member: wanted, fields });
    }
  }
  for (const p of current.people) {
    const existing = members.get(p.aadObjectId);
    // Only a row the file made is the file's to remove; someone approved in Teams since stays.
    if (!next.people.some((x) => x.aadObjectId === p.aadObjectId) && existing?.source === 'file') out.push({ change: 'removed', member: existing });
  }
  return out;
}

/** Bulk onboarding: the people of a people file become (or update) members of its organisation. Nobody is removed. */
export function planPeople(file: ResolvedPeopleFile, members: Map<string, Member>, at: Date): { changes: MemberChange[]; errors: string[] } {
  const changes: MemberChange[] = [];
  const errors: string[] = [];
  file.people.forEach((p, i) => {
    const existing = members.get(p.aadObjectId);
    if (existing && existing.organisationId !== file.organisation) {
      errors.push(`people[${i}].aadObjectId: already a member of ${existing.organisationId}`);
      return;
    }
    if (existing?.status === 'suspended') {
      errors.push(`people[${i}].aadObjectId: suspended; reinstate them from the people card first`);
      return;
    }
    const wanted: Member = {
      aadObjectId: p.aadObjectId,
      tenantId: p.tenantId,
      displayName: p.displayName,
      ...(p.jobTitle ? { jobTitle: p.jobTitle } : {}),
      organisationId: file.organisation,
      roles: ROLE_ORDER.filter((r) => p.roles.includes(r) || existing?.roles.includes(r)),
      leadsThemes: existing?.leadsThemes ?? [],
      status: 'active',
      source: existing?.source ?? 'bulk',
      joinedAt: existing?.joinedAt ?? at.toISOString(),
      confirmedAt: existing?.confirmedAt,
    };
    if (!existing) changes.push({ change: 'added', member: wanted });
    else {
      const fields = changedFields(existing, wanted);
      if (fields.length) changes.push({ change: 'changed', member: wanted, fields });
    }
  });
  return { changes, errors };
}

/** The plan as a person reads it: one line per change, then a count. */
export function describePlan(changes: (Change | (MemberChange & { section?: undefined }))[]): string[] {
  const lines = changes.map((c) =>
    'member' in c
      ? `${c.change.padEnd(8)} member ${c.member.displayName} (${c.member.aadObjectId}, ${c.member.organisationId}: ${c.member.roles.join(', ')})${c.fields ? ` — ${c.fields.join(', ')}` : ''}`
      : `${c.change.padEnd(8)} ${c.section} ${c.id}${c.fields ? ` — ${c.fields.join(', ')}` : ''}`,
  );
  return lines.length ? lines : ['no changes'];
}
