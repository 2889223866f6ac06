import { AccessRequest, AccessReview, DirectoryRow } from './model';

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

export const DIRECTORY_TABLES = {
  directory: { suffix: 'Directory', schema: DirectoryRow, keys: directoryKeys },
  joinRequests: {
    suffix: 'JoinRequests',
    schema: AccessRequest,
    // One row per person: their latest request. Pending requests of an organisation are a filter on the column.
    keys: (r: AccessRequest) => ({ partitionKey: 'request', rowKey: r.aadObjectId }),
    columns: (r: AccessRequest) => ({ status: r.status, organisationId: r.organisationId ?? '', routedTo: r.routedTo }),
  },
  accessReviews: {
    suffix: 'AccessReviews',
    schema: AccessReview,
    // One partition per organisation, one row per round: "the open round" is the newest row.
    keys: (r: AccessReview) => ({ partitionKey: r.organisationId, rowKey: r.round }),
  },
} as const;

/** Member rows: active members in "member" (every existing reader lists that partition), suspended ones beside them. */
export const MEMBER_PARTITION = 'member';
export const SUSPENDED_PARTITION = 'suspended';
