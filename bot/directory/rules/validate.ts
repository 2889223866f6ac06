import type { z } from 'zod';
import { DEFAULT_HOTSPOT_RULES } from '../../warnings/rules/hotspots';
import { PartnershipFile, PeopleFile, type Directory } from '../model';

/**
 * Checks a partnership or people file: the schema, then everything that
 * refers across the file. Pure. Every error carries its path in the file
 * ("organisations[4].tenantIds[0]: not a GUID"), so one run lists them all.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** A zod path as the file's author would write it: organisations[4].tenantIds[0]. */
export function pathText(path: (string | number)[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}

export function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${pathText(i.path) || '(file)'}: ${i.message}`);
}

export function checkPartnershipFile(json: unknown): Checked<PartnershipFile> {
  const parsed = PartnershipFile.safeParse(json);
  if (!parsed.success) return { ok: false, errors: issuesOf(parsed.error) };
  const f = parsed.data;
  const errors: string[] = [];
  const err = (path: (string | number)[], message: string) => errors.push(`${pathText(path)}: ${message}`);
  const dupes = <T>(items: T[], key: (t: T) => string, at: (i: number) => (string | number)[], what: string) => {
    const seen = new Map<string, number>();
    items.forEach((t, i) => {
      const k = key(t);
      if (seen.has(k)) err(at(i), `${what} "${k}" is also ${pathText(at(seen.get(k)!))}`);
      else seen.set(k, i);
    });
  };

  dupes(f.boroughs, (b) => b.id, (i) => ['boroughs', i, 'id'], 'borough');
  dupes(f.themes, (t) => t.id, (i) => ['themes', i, 'id'], 'theme');
  dupes(f.organisations, (o) => o.id, (i) => ['organisations', i, 'id'], 'organisation');
  dupes(f.people, (p) => p.aadObjectId, (i) => ['people', i, 'aadObjectId'], 'person');
  const domains = f.organisations.flatMap((o, i) => o.emailDomains.map((d, j) => ({ d, at: ['organisations', i, 'emailDomains', j] })));
  dupes(domains, (x) => x.d, (i) => domains[i]!.at, 'e-mail domain');

  const boroughs = new Set(f.boroughs.map((b) => b.id));
  const orgs = new Map(f.organisations.map((o) => [o.id, o]));
  const people = new Map(f.people.map((p) => [p.aadObjectId, p]));
  const ruleIds = new Set((f.settings.hotspotRules ?? DEFAULT_HOTSPOT_RULES).map((r) => r.id));

  f.boroughs.forEach((b, i) => {
    for (const rule of Object.keys(b.hotspots)) {
      if (!ruleIds.has(rule)) err(['boroughs', i, 'hotspots', rule], `no hotspot rule "${rule}" (rules: ${[...ruleIds].join(', ')})`);
    }
  });
  const themeIds = new Set(f.themes.map((t) => t.id));
  if (f.settings.hotspotRules) {
    f.settings.hotspotRules.forEach((r, i) => !themeIds.has(r.themeId) && err(['settings', 'hotspotRules', i, 'themeId'], `no theme "${r.themeId}" in this file`));
    if (new Set(f.settings.hotspotRules.map((r) => r.id)).size !== f.settings.hotspotRules.length) err(['settings', 'hotspotRules'], 'hotspot rule ids are unique');
  } else {
    for (const r of DEFAULT_HOTSPOT_RULES) {
      if (!themeIds.has(r.themeId)) err(['settings', 'hotspotRules'], `the built-in rule "${r.id}" is for theme "${r.themeId}", which this file does not have: list the rules with this file's themes`);
    }
  }
  f.organisations.forEach((o, i) => {
    o.boroughs.forEach((b, j) => !boroughs.has(b) && err(['organisations', i, 'boroughs', j], `"${b}" is not one of this file's boroughs`));
    if (new Set(o.boroughs).size !== o.boroughs.length) err(['organisations', i, 'boroughs'], 'boroughs are listed once each');
    o.defaultSharing.forEach((s, j) => {
      if (!orgs.has(s)) err(['organisations', i, 'defaultSharing', j], `no organisation "${s}" in this file`);
      else if (s === o.id) err(['organisations', i, 'defaultSharing', j], 'an organisation does not share with itself');
    });
  });
  f.themes.forEach((t, i) => {
    if (new Set(t.priorityAreas.map((a) => a.toLowerCase())).size !== t.priorityAreas.length) err(['themes', i, 'priorityAreas'], 'priority areas are listed once each');
    t.leads.forEach((l, j) => {
      if (!boroughs.has(l.borough)) err(['themes', i, 'leads', j, 'borough'], `"${l.borough}" is not one of this file's boroughs`);
      if (!people.has(l.person)) err(['themes', i, 'leads', j, 'person'], `no person ${l.person} in people`);
    });
    dupes(t.leads, (l) => l.borough, (j) => ['themes', i, 'leads', j, 'borough'], 'lead for borough');
  });
  f.people.forEach((p, i) => {
    const org = orgs.get(p.organisation);
    if (!org) err(['people', i, 'organisation'], `no organisation "${p.organisation}" in this file`);
    else if (!org.tenantIds.includes(p.tenantId)) err(['people', i, 'tenantId'], `not one of ${org.name}'s tenant ids`);
    if (p.roles.includes('themeLead')) err(['people', i, 'roles'], 'theme leads are named under themes[].leads, not by role');
    if (p.roles.includes('admin')) err(['people', i, 'roles'], 'administrators are named under administrators, not by role');
  });
  f.administrators.forEach((a, i) => !people.has(a) && err(['administrators', i], `no person ${a} in people`));
  return errors.length ? { ok: false, errors } : { ok: true, value: f };
}

/** A people file is checked against the directory in force: the organisation must exist and own the tenants. */
export function checkPeopleFile(json: unknown, directory: Directory): Checked<PeopleFile> {
  const parsed = PeopleFile.safeParse(json);
  if (!parsed.success) return { ok: false, errors: issuesOf(parsed.error) };
  const f = parsed.data;
  const errors: string[] = [];
  const org = directory.organisations.find((o) => o.id === f.organisation && !o.retiredAt);
  if (!org) errors.push(`organisation: no current organisation "${f.organisation}" in the directory`);
  const seen = new Set<string>();
  f.people.forEach((p, i) => {
    const key = p.aadObjectId ?? p.userPrincipalName!;
    if (seen.has(key)) errors.push(`people[${i}].${p.aadObjectId ? 'aadObjectId' : 'userPrincipalName'}: listed twice`);
    seen.add(key);
    if (org && !org.tenantIds.includes(p.tenantId)) errors.push(`people[${i}].tenantId: not one of ${org.name}'s tenant ids`);
    if (p.roles.includes('admin')) errors.push(`people[${i}].roles: administrators are named in the partnership file`);
    if (p.roles.includes('themeLead')) errors.push(`people[${i}].roles: theme leads are named in the partnership file`);
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: f };
}

/**
 * CSV for bulk onboarding: a header row aadObjectId,tenantId,displayName,jobTitle,roles (roles separated by ;);
 * a userPrincipalName column names people by sign-in name instead (one of the two per row).
 */
export function peopleFromCsv(text: string, organisation: string): unknown {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  return {
    schema: 'concordat.people/v1',
    organisation,
    people: lines.map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      const row: Record<string, unknown> = {};
      header.forEach((h, i) => {
        const v = cells[i];
        if (v === undefined || v === '') return;
        row[h] = h === 'roles' ? v.split(';').map((r) => r.trim()).filter(Boolean) : v;
      });
      return row;
    }),
  };
}
