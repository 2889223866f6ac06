import { Member } from '../common/member';
import { table, type TablesOf } from '../store/tableDef';
import { AccessRequest, AccessReview, DirectoryRow, ReviewEntryRow, ReviewRunCursor } from './model';
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

/** Member rows: active members in "member" (every existing reader lists that partition), suspended ones beside them. */
export const MEMBER_PARTITION = 'member';
export const SUSPENDED_PARTITION = 'suspended';

/** Pending join requests, one partition: the row key is the requester's object id. */
export const REQUEST_PARTITION = 'request';

/** A member row's keys: a point read by object id on every activity (the active partition first). */
export const memberKeys = (m: Pick<Member, 'status' | 'aadObjectId'>) => ({ partitionKey: m.status === 'suspended' ? SUSPENDED_PARTITION : MEMBER_PARTITION, rowKey: m.aadObjectId });

/** People index keys: one partition per organisation, rows in name order. */
export const peopleIndexKeys = (m: Pick<Member, 'organisationId' | 'displayName' | 'aadObjectId'>) => ({
  partitionKey: m.organisationId,
  rowKey: personOrderKey(m),
});

/** An access review round's entry rows: one partition per round of an organisation. */
export const reviewEntriesPartition = (organisationId: string, round: string) => `${organisationId}|${round}`;
export const REVIEW_TALLY_KEY = 'tally';
/** Entry rows by object id ("e|<oid>"); pending rows in name order ("p|<sort name> <oid>"); '}' sorts after '|'. */
export const reviewEntryRowKey = (aadObjectId: string) => `e|${aadObjectId}`;
export const reviewPendingRowKey = (person: { displayName: string; aadObjectId: string }) => `p|${personOrderKey(person)}`;
export const REVIEW_PENDING_RANGE = { from: 'p|', to: 'p}' } as const;

/** The daily run's cursor: one row. */
export const REVIEW_RUN_KEYS = { partitionKey: 'run', rowKey: 'cursor' } as const;

export function reviewEntryKeys(r: ReviewEntryRow): { partitionKey: string; rowKey: string } {
  const partitionKey = reviewEntriesPartition(r.organisationId, r.round);
  switch (r.kind) {
    case 'tally':
      return { partitionKey, rowKey: REVIEW_TALLY_KEY };
    case 'entry':
      return { partitionKey, rowKey: reviewEntryRowKey(r.aadObjectId) };
    case 'pending':
      return { partitionKey, rowKey: reviewPendingRowKey(r) };
  }
}

/** The directory slice's tables: touched only by bot/directory/repository.ts. */
export const DIRECTORY_TABLES = {
  members: table({
    name: 'Members',
    schema: Member,
    // Suspended members sit in their own partition: every reader of the "member" partition sees active members only.
    keys: memberKeys,
    columns: (m) => ({ organisationId: m.organisationId }),
    retention: {
      holds: 'people: Entra id, tenant, display name, job title, organisation, roles, status',
      retention: 'while a member',
      enforcedBy: 'deleted when an approver removes them, a partnership or people file drops them, or an access review removes them (bot/directory/repository.ts deleteMember)',
    },
  }),
  directory: table({
    name: 'Directory',
    schema: DirectoryRow,
    keys: directoryKeys,
    retention: {
      holds: 'the partnership file as applied, one version per apply: organisations (tenant ids, e-mail domains), themes, named people (Entra id, name, job title), administrators, settings',
      retention: 'the last 20 versions (each carries its retired organisations and themes, so names keep resolving)',
      enforcedBy: 'each apply drops the version 20 behind the one it commits (bot/directory/repository.ts dropVersion)',
    },
  }),
  joinRequests: table({
    name: 'JoinRequests',
    schema: AccessRequest,
    // One row per person: their latest request. Pending requests of an organisation are a filter on the columns.
    keys: (r) => ({ partitionKey: REQUEST_PARTITION, rowKey: r.aadObjectId }),
    columns: (r) => ({ status: r.status, organisationId: r.organisationId ?? '', routedTo: r.routedTo }),
    retention: {
      holds: 'requests to join: Entra id, tenant, name, e-mail, organisation, role, reason, decision and its reason',
      retention: '13 months after the decision (pending ones until decided)',
      enforcedBy: 'the daily accessReview timer (bot/directory/review.ts pruneDirectoryHistory)',
    },
  }),
  accessReviews: table({
    name: 'AccessReviews',
    schema: AccessReview,
    // One partition per organisation, one row per round: "the open round" is the newest row.
    keys: (r) => ({ partitionKey: r.organisationId, rowKey: r.round }),
    retention: {
      holds: "access review rounds: an organisation, when the round opened and its deadline (rounds stored before AccessReviewEntries also hold up to 500 members' Entra ids, names and outcomes, until read once)",
      retention: 'the last 8 rounds per organisation (two years at the default quarterly review)',
      enforcedBy: 'the daily accessReview timer (bot/directory/review.ts pruneDirectoryHistory)',
    },
  }),
  accessReviewEntries: table({
    name: 'AccessReviewEntries',
    schema: ReviewEntryRow,
    // Every row is small (a name and an id at most): a round of any size never nears a row's limits.
    keys: reviewEntryKeys,
    columns: (r): Record<string, string> => (r.kind === 'entry' ? { outcome: r.outcome } : {}),
    retention: {
      holds: "who is in each access review round (Entra id, name) and each one's outcome",
      retention: 'as the round (AccessReviews): the last 8 rounds per organisation',
      enforcedBy: 'the daily accessReview timer deletes a round\'s entries, then the round (bot/directory/repository.ts dropOldReviews)',
    },
  }),
  accessReviewRuns: table({
    name: 'AccessReviewRuns',
    schema: ReviewRunCursor,
    keys: () => REVIEW_RUN_KEYS,
    retention: {
      holds: 'where the daily access review run got to: organisation ids and a time (no personal data)',
      retention: 'one row, replaced by every run',
      enforcedBy: 'the daily accessReview timer overwrites it (bot/directory/review.ts runAccessReview)',
    },
  }),
  peopleIndex: table({
    name: 'PeopleIndex',
    schema: Member,
    // A copy of each member row, kept in name order per organisation: the people list and the access review read
    // one page of it per turn (the Members table is keyed for the point read every activity makes, not for lists).
    // Row key: the sort name (rules/people.ts), a space (it sorts below any character of a sort name, so "Sam"
    // comes before "Sam Newton"), then the object id, which keeps two people of one name apart in a stable order.
    keys: peopleIndexKeys,
    retention: {
      holds: 'a copy of each member row (Entra id, tenant, display name, job title, organisation, roles, status), kept in name order per organisation for the people list and the access review',
      retention: 'while a member (as the Members row it copies)',
      enforcedBy: 'written and deleted with the member row (bot/directory/repository.ts putMember, deleteMember); the daily accessReview timer checks a seventh of the organisations a run, writing missing copies and deleting those whose member is gone (reconcileOrganisationIndex)',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof DIRECTORY_TABLES> {}
}
