import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { azureCredential } from './credential';
import { z } from 'zod';
import { AuditRow, auditRowKeys } from '../audit/model';
import { ConversationReference } from '../conversation/model';
import { Member } from '../shared/member';
import { EntityTable, safeKey } from './entityTable';
import { ShardedTable } from './shardedTable';

/** Tables the IncidentFinder index is spread over. Fixed: changing it moves partitions (re-index first). */
export const FINDER_SHARDS = 32;
import { ChannelMapping } from '../channels/model';
import { OutboxDue, OutboxItem, SenderLease } from '../outbox/model';
import { AlertDelivery, AlertRecord, PartnerRequest } from '../alerts/model';
import { PrioritySet, PriorityPost } from '../priorities/model';
import { StoreUnavailableError } from './errors';
import { BoroughWeekStats, DigestAllowance, DigestDelivery, DigestSubscription } from '../digests/model';
import { JointOperation, Reminder, reminderPartition } from '../operations/model';
import { incidentPartitionKey } from '../shared/isoWeek';
import { ReferenceCounter } from '../incidents/rules/referenceCounter';
import { ComplaintIndexEntry, HotspotWarning, warningRowKey } from '../warnings/model';
import { DIRECTORY_TABLES, MEMBER_PARTITION, SUSPENDED_PARTITION } from '../directory/tables';
import { USER_VIEW_TABLES } from '../userViews/tables';
import { NOTICE_TABLES } from '../notices/tables';
import { AccessRequest, FinderRow } from '../search/model';
import { finderRowKey } from '../search/rules/keys';
import { IncidentIndexEntry, IncidentRow, IncidentSubmission, ReportDefaults, historyRowKey, WEEK_MARK_KEY } from '../incidents/model';

export type StorageConnection = { connectionString: string } | { accountUrl: string; credential?: TokenCredential };

/**
 * Every table Concordat uses, with its key design. docs/storage.md explains
 * which query each key serves.
 */
export function defineTables(client: (table: string) => TableClient, prefix: string) {
  const table = <S extends z.ZodTypeAny>(suffix: string, opts: Omit<ConstructorParameters<typeof EntityTable<S>>[1], 'name'>) =>
    new EntityTable<S>(client(`${prefix}${suffix}`), { ...opts, name: `${prefix}${suffix}` });

  return {
    members: table('Members', {
      schema: Member,
      // Suspended members sit in their own partition: every reader of the "member" partition sees active members only.
      keys: (m) => ({ partitionKey: m.status === 'suspended' ? SUSPENDED_PARTITION : MEMBER_PARTITION, rowKey: m.aadObjectId }),
      columns: (m) => ({ organisationId: m.organisationId }),
    }),
    directory: table(DIRECTORY_TABLES.directory.suffix, DIRECTORY_TABLES.directory),
    joinRequests: table(DIRECTORY_TABLES.joinRequests.suffix, DIRECTORY_TABLES.joinRequests),
    accessReviews: table(DIRECTORY_TABLES.accessReviews.suffix, DIRECTORY_TABLES.accessReviews),
    privateNotices: table(NOTICE_TABLES.privateNotices.suffix, NOTICE_TABLES.privateNotices),
    conversations: table('Conversations', {
      schema: ConversationReference,
      keys: (c) => ({ partitionKey: c.kind, rowKey: safeKey(c.conversationId) }),
      columns: (c): Record<string, string> =>
        c.kind === 'channel' ? { teamId: c.teamId } : c.kind === 'personal' ? { userAadObjectId: c.userAadObjectId } : {},
    }),
    audit: table('Audit', {
      schema: AuditRow,
      // A hash chain per subject (bot/audit/model.ts): written only through bot/audit/log.ts appendAudit.
      keys: auditRowKeys,
      columns: (r): Record<string, string> =>
        r.kind === 'event' ? { kind: r.kind, at: r.event.at, actor: r.event.actor.aadObjectId, action: r.event.action } : { kind: r.kind },
    }),
    channelMappings: table('ChannelMappings', {
      schema: ChannelMapping,
      keys: (m) => ({ partitionKey: 'map', rowKey: safeKey(m.conversationId) }),
      columns: (m) => ({ teamId: m.teamId }),
    }),
    outbox: table('Outbox', {
      schema: OutboxItem,
      keys: (i) => ({ partitionKey: i.batchId, rowKey: i.id }),
      columns: (i) => ({ status: i.status }),
    }),
    prioritySets: table('PrioritySets', {
      schema: PrioritySet,
      // Row keys sort by version, so the newest is the last row of the borough's partition.
      keys: (p) => ({ partitionKey: p.borough, rowKey: `v${String(p.version).padStart(6, '0')}` }),
    }),
    priorityPosts: table('PriorityPosts', {
      schema: PriorityPost,
      keys: (p) => ({ partitionKey: p.borough, rowKey: safeKey(p.conversationId) }),
    }),
    alerts: table('Alerts', {
      schema: AlertRecord,
      keys: (a) => ({ partitionKey: 'alert', rowKey: a.alert.id }),
      columns: (a): Record<string, string | boolean> => ({
        raisedAt: a.alert.raisedAt,
        escalationPending: a.escalation !== undefined && a.escalation.sentAt === undefined,
        ...(a.escalation ? { escalationDueAt: a.escalation.dueAt } : {}),
      }),
    }),
    alertDeliveries: table('AlertDeliveries', {
      schema: AlertDelivery,
      // One partition per alert: its channels are one partition read, however many there are.
      keys: (d) => ({ partitionKey: safeKey(d.alertId), rowKey: safeKey(d.conversationId) }),
    }),
    partnerRequests: table('PartnerRequests', {
      schema: PartnerRequest,
      keys: (r) => ({ partitionKey: safeKey(r.partnerId), rowKey: safeKey(r.key) }),
    }),
    incidents: table('Incidents', {
      schema: IncidentRow,
      // An incident and its history share the borough-week partition: one range read shows both.
      keys: (r) =>
        r.kind === 'incident'
          ? { partitionKey: incidentPartitionKey(r.borough, r.occurredAt), rowKey: r.reference }
          : r.kind === 'history'
            ? { partitionKey: r.partitionKey, rowKey: historyRowKey(r.reference, r.version) }
            : { partitionKey: r.partitionKey, rowKey: WEEK_MARK_KEY },
      columns: (r): Record<string, string | boolean> =>
        r.kind === 'incident'
          ? { kind: r.kind, reporterOrg: r.reporter.organisationId, category: r.category, risk: r.risk, reportedAt: r.reportedAt, anonymised: r.anonymisedAt !== undefined }
          : { kind: r.kind },
    }),
    incidentIndex: table('IncidentIndex', {
      schema: IncidentIndexEntry,
      keys: (i) => ({ partitionKey: i.reference, rowKey: 'i' }),
    }),
    // One partition per way of finding an incident, newest first (bot/search/rules/keys.ts): every list and search is one
    // range read of one partition. Spread over FINDER_SHARDS tables by partition key (see ShardedTable for why).
    incidentFinder: new ShardedTable(
      Array.from({ length: FINDER_SHARDS }, (_, i) =>
        table(`IncidentFinder${String(i).padStart(2, '0')}`, {
          schema: FinderRow,
          keys: (r) => ({ partitionKey: safeKey(r.key), rowKey: finderRowKey(r) }),
          columns: (r) => ({ borough: r.borough, category: r.category, postcodeDistrict: r.postcodeDistrict, reporterOrg: r.reporterOrg }),
        }),
      ),
    ),
    accessRequests: table('AccessRequests', {
      schema: AccessRequest,
      // The owning organisation's requests: what its approvers decide.
      keys: (a) => ({ partitionKey: a.ownerOrg, rowKey: a.id }),
      columns: (a) => ({ status: a.status }),
    }),
    incidentSubmissions: table('IncidentSubmissions', {
      schema: IncidentSubmission,
      keys: (s) => ({ partitionKey: s.submissionId, rowKey: 's' }),
    }),
    reportDefaults: table('ReportDefaults', {
      schema: ReportDefaults,
      // One row per reporter: the choices of their last report, offered on the next.
      keys: (d) => ({ partitionKey: 'defaults', rowKey: d.aadObjectId }),
      columns: (d) => ({ updatedAt: d.updatedAt }),
    }),
    counters: table('Counters', {
      schema: ReferenceCounter,
      keys: (c) => ({ partitionKey: 'ref', rowKey: c.key }),
    }),
    outboxDue: table('OutboxDue', {
      schema: OutboxDue,
      keys: (d) => ({ partitionKey: 'due', rowKey: `${d.dueAt}|${d.itemId}` }),
    }),
    outboxLease: table('OutboxLease', {
      schema: SenderLease,
      // One row: the sender lease (bot/outbox/run.ts).
      keys: (l) => ({ partitionKey: 'lease', rowKey: l.name }),
    }),
    operations: table('Operations', {
      schema: JointOperation,
      // One partition per borough: "upcoming in Stockport" is one partition read; the id names its borough.
      keys: (o) => ({ partitionKey: o.borough, rowKey: o.id }),
      columns: (o) => ({ startsAt: o.startsAt, endsAt: o.endsAt, status: o.status }),
    }),
    digestSubscriptions: table('DigestSubscriptions', {
      schema: DigestSubscription,
      keys: (s) => ({ partitionKey: 'sub', rowKey: s.owner }),
    }),
    digestAllowances: table('DigestAllowances', {
      schema: DigestAllowance,
      keys: (a) => ({ partitionKey: 'allow', rowKey: a.aadObjectId }),
    }),
    weekStats: table('WeekStats', {
      schema: BoroughWeekStats,
      // One partition per ISO week: a week's figures for every borough are one partition read.
      keys: (w) => ({ partitionKey: w.week, rowKey: w.borough }),
    }),
    digestDeliveries: table('DigestDeliveries', {
      schema: DigestDelivery,
      // One partition per subscription, one row per reported ISO week: the idempotency key of weekly delivery.
      keys: (d) => ({ partitionKey: d.owner, rowKey: d.week }),
      columns: (d) => ({ status: d.status }),
    }),
    reminders: table('Reminders', {
      schema: Reminder,
      // One partition per UTC day of the due time; row keys sort by due time: "due before T" is a key-range read.
      keys: (r) => ({ partitionKey: reminderPartition(r.dueAt), rowKey: `${r.dueAt}|${r.id}` }),
      columns: (r) => ({ status: r.status, subjectId: r.subjectId }),
    }),
    warnings: table('Warnings', {
      schema: HotspotWarning,
      // Created once per place, rule and window: a second create of the key fails, so concurrent detectors raise one.
      keys: (w) => ({ partitionKey: w.borough, rowKey: warningRowKey(w) }),
      columns: (w) => ({ ruleId: w.ruleId, status: w.status, raisedAt: w.raisedAt }),
    }),
    teamsUsers: table(USER_VIEW_TABLES.teamsUsers.suffix, USER_VIEW_TABLES.teamsUsers),
    complaintIndex: table('ComplaintIndex', {
      schema: ComplaintIndexEntry,
      // The keyed hash of a household reference: its complaints are one partition read, in time order.
      keys: (c) => ({ partitionKey: c.hash, rowKey: `${c.occurredAt}|${c.reference}` }),
    }),
  };
}

export type Tables = ReturnType<typeof defineTables>;

export interface Store extends Tables {
  /** Creates any missing table. Idempotent. */
  ensureTables(): Promise<void>;
  /** A cheap round trip that proves the storage account answers. */
  ping(timeoutMs?: number): Promise<void>;
}

export function openStore(connection: StorageConnection, prefix: string): Store {
  const options = { allowInsecureConnection: 'connectionString' in connection && /http:\/\//.test(connection.connectionString) };
  let makeClient: (t: string) => TableClient;
  let service: TableServiceClient;
  if ('connectionString' in connection) {
    makeClient = (t) => TableClient.fromConnectionString(connection.connectionString, t, options);
    service = TableServiceClient.fromConnectionString(connection.connectionString, options);
  } else {
    const credential = connection.credential ?? azureCredential();
    makeClient = (t) => new TableClient(connection.accountUrl, t, credential);
    service = new TableServiceClient(connection.accountUrl, credential);
  }
  const tables = defineTables(makeClient, prefix);
  return {
    ...tables,
    async ensureTables() {
      await Promise.all(Object.values(tables).map((t) => t.ensureExists()));
    },
    async ping(timeoutMs = 2000) {
      const abort = AbortSignal.timeout(timeoutMs);
      try {
        const pages = service.listTables({ abortSignal: abort }).byPage({ maxPageSize: 1 });
        await pages.next();
      } catch (err) {
        throw new StoreUnavailableError(err);
      }
    },
  };
}
