import { Member } from '../shared/member';
import { AccessRequest, AccessReview, DirectoryRow } from './model';
import { personOrderKey } from './rules/people';

/**
 * The directory's tables and the only place their keys are spelt
 * (docs/directory.md, "How apply is all or nothing").
 *
 * Directory: PK "head" / RK "head" is the commit pointer; each applied
 * version's rows share the partition "v000042" (RK "version",
 * "org|<id>", "theme|<id>", "person|<oid>"), so a version is one partition
 * read and one organisation one point read.
 */
export const HEAD_KEYS = { partitionKey: 'head', rowKey: 'head' } as const;
export const versionPartition = (version: number) => `v${String(version).padStart(6, '0')}`;

export function directoryKeys(r: DirectoryRow): { partitionKey: string; rowKey: string } {
  switch (r.kind) {
    case 'head':
      return HEAD_KEYS;
    case 'version':
      return { partitionKey: versionPartition(r.version), rowKey: 'version' };
    case 'organisation':
      return { partitionKey: versionPartition(r.version), rowKey: `org|${r.value.id}` };
    case 'theme':
      return { partitionKey: versionPartition(r.version), rowKey: `theme|${r.value.id}` };
    case 'person':
      return { partitionKey: versionPartition(r.version), rowKey: `person|${r.value.aadObjectId}` };
  }
}

/** Pending join requests, one partition: the row key is the requester's object id. */
export const REQUEST_PARTITION = 'request';

export const DIRECTORY_TABLES = {
  directory: { suffix: 'Directory', schema: DirectoryRow, keys: directoryKeys },
  joinRequests: {
    suffix: 'JoinRequests',
    schema: AccessRequest,
    // One row per person: their latest request. Pending requests of an organisation are a filter on the column.
    keys: (r: AccessRequest) => ({ partitionKey: REQUEST_PARTITION, rowKey: r.aadObjectId }),
    columns: (r: AccessRequest) => ({ status: r.status, organisationId: r.organisationId ?? '', routedTo: r.routedTo }),
  },
  accessReviews: {
    suffix: 'AccessReviews',
    schema: AccessReview,
    // One partition per organisation, one row per round: "the open round" is the newest row.
    keys: (r: AccessReview) => ({ partitionKey: r.organisationId, rowKey: r.round }),
  },
  peopleIndex: {
    suffix: 'PeopleIndex',
    schema: Member,
    // A copy of each member row, kept in name order per organisation: the people list and the access review read
    // one page of it per turn (the Members table is keyed for the point read every activity makes, not for lists).
    // Row key: the sort name (rules/people.ts), a space (it sorts below any character of a sort name, so "Sam"
    // comes before "Sam Newton"), then the object id, which keeps two people of one name apart in a stable order.
    keys: (m: Member) => peopleIndexKeys(m),
  },
} as const;

/** People index keys: one partition per organisation, rows in name order. */
export const peopleIndexKeys = (m: Pick<Member, 'organisationId' | 'displayName' | 'aadObjectId'>) => ({
  partitionKey: m.organisationId,
  rowKey: personOrderKey(m),
});

/** Member rows: active members in "member" (every existing reader lists that partition), suspended ones beside them. */
export const MEMBER_PARTITION = 'member';
export const SUSPENDED_PARTITION = 'suspended';
