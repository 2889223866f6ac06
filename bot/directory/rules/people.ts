import type { Member } from '../../common/member';

/** How people are ordered in lists: by name, case and accents ignored. Pure. */

/** A name as it sorts: lower case, accents dropped, each run of anything but letters and digits one "!". */
export function personSortName(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '!')
    .replace(/^!+|!+$/g, '')
    .slice(0, 80);
}

/** A person's place in name order: the people index's row key (bot/directory/tables.ts). */
export const personOrderKey = (p: Pick<Member, 'displayName' | 'aadObjectId'>) => `${personSortName(p.displayName)} ${p.aadObjectId}`;

/** Name order, as the people index keeps it (code-unit order of the keys, as the table service compares them). */
export const comparePeople = (a: Pick<Member, 'displayName' | 'aadObjectId'>, b: Pick<Member, 'displayName' | 'aadObjectId'>) => {
  const ka = personOrderKey(a);
  const kb = personOrderKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** "people sam": a name, job title or organisation id containing the words typed (case ignored). */
export function matchesPeopleQuery(q: string, p: { displayName: string; jobTitle?: string; organisationId?: string }): boolean {
  if (!q) return true;
  return p.displayName.toLowerCase().includes(q) || (p.jobTitle ?? '').toLowerCase().includes(q) || (p.organisationId ?? '').includes(q);
}
