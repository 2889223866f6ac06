import type { Tables } from '../store/store';

/**
 * How long every table's rows are kept, and what enforces it: the one list
 * docs/storage.md "Retention" is checked against (test/retention.test.ts
 * fails when a table has no policy here, or the document misses one).
 *
 * `enforcedBy` names the code that deletes or anonymises; rows that hold no
 * personal data and must live as long as what they index say so.
 */
export interface RetentionPolicy {
  holds: string;
  retention: string;
  enforcedBy: string;
}

export const RETENTION_POLICIES: Record<keyof Tables, RetentionPolicy> = {
  directory: { holds: 'the partnership file as applied, one version per apply: organisations (tenant ids, e-mail domains), themes, named people (Entra id, name, job title), administrators, settings', retention: 'the last 20 versions (each carries its retired organisations and themes, so names keep resolving)', enforcedBy: 'each apply drops the version 20 behind the one it commits (bot/directory/repository.ts dropVersion)' },
  members: { holds: 'people: Entra id, tenant, display name, job title, organisation, roles, status', retention: 'while a member', enforcedBy: 'deleted when an approver removes them, a partnership or people file drops them, or an access review removes them (bot/directory/)' },
  joinRequests: { holds: 'requests to join: Entra id, tenant, name, e-mail, organisation, role, reason, decision and its reason', retention: '13 months after the decision (pending ones until decided)', enforcedBy: 'the daily accessReview timer (bot/directory/review.ts pruneDirectoryHistory)' },
  accessReviews: { holds: "access review rounds: an organisation's members (Entra id, name) and each one's outcome", retention: 'the last 8 rounds per organisation (two years at the default quarterly review)', enforcedBy: 'the daily accessReview timer (bot/directory/review.ts pruneDirectoryHistory)' },
  conversations: { holds: 'where the bot is installed (conversation ids, a person\'s Entra id for 1:1 chats)', retention: 'while installed', enforcedBy: 'deleted when the bot is removed (installationUpdate) or Teams answers that the conversation is gone' },
  audit: { holds: 'the s.62 audit log: who did what to which subject, recipients, justifications (never erased content)', retention: 'AUDIT_RETENTION_MONTHS, default 72 (6 years) after the event', enforcedBy: 'retention run: oldest events pruned from the front of each chain, the head anchored (bot/audit/log.ts pruneAuditPartition)' },
  channelMappings: { holds: 'channel → boroughs and themes', retention: 'while mapped', enforcedBy: 'unmapped by an administrator, or deleted with the conversation' },
  outbox: { holds: 'messages to send: the card payload until sent, then delivery metadata (target, status, activity id)', retention: 'payload: removed when the item is sent, dead-lettered, gone or cancelled; the row: OUTBOX_RETENTION_MONTHS, default 13, after it was created', enforcedBy: 'the sender removes the payload on finishing (bot/outbox/sender.ts); the retention run strips any left and deletes old rows' },
  prioritySets: { holds: 'published policing priorities per borough (public information), with the publishing officer\'s Entra id', retention: 'kept: the record of what was published when (digests compare versions)', enforcedBy: 'not deleted; holds no incident or personal details beyond the publisher\'s id' },
  priorityPosts: { holds: 'which channel message shows a borough\'s priorities (conversation and activity ids)', retention: 'while the channel is mapped', enforcedBy: 'replaced on each publication; no personal data' },
  alerts: { holds: 'community alerts, acknowledgements (organisation, name, time)', retention: 'the incident retention after raised', enforcedBy: 'retention run' },
  alertDeliveries: { holds: 'which channels an alert was posted to (conversation and outbox item ids; no personal data)', retention: 'as long as its alert', enforcedBy: 'retention run: deleted with its alert' },
  partnerRequests: { holds: 'idempotency records of partner API requests (key, body hash, the answer given)', retention: 'PARTNER_REQUEST_RETENTION_DAYS, default 30, after the request', enforcedBy: 'retention run' },
  incidents: { holds: 'incidents and their history (free text, addresses, details, police and household references)', retention: 'the incident retention (the partnership file\'s incidentRetentionMonths, else INCIDENT_RETENTION_MONTHS, default 13) after reported; then anonymised (category, district, week, risk, counts kept for statistics)', enforcedBy: 'retention run (bot/incidents/retention.ts)' },
  incidentIndex: { holds: 'reference → partition', retention: 'as long as the incident (no personal data)', enforcedBy: 'kept with the anonymised incident' },
  incidentSubmissions: { holds: 'card submission id → reference (so a resubmitted card stores nothing twice)', retention: 'as long as the incident (no personal data)', enforcedBy: 'kept with the anonymised incident' },
  reportDefaults: { holds: 'a reporter\'s last report choices: borough, area, postcode district, sharing, marking (no free text about anyone)', retention: 'the incident retention after their last report; replaced at each report', enforcedBy: 'retention run (bot/incidents/retention.ts)' },
  incidentFinder: { holds: 'list and search index rows: reference, category, area, district, borough, times, risk, reporting and sharing organisations (no summary, names or address)', retention: 'as long as the incident; anonymisation removes the area words and police reference rows and clears the area', enforcedBy: 're-indexed by every incident write, the retention run included (bot/search/repository.ts reindexIncident, called before anonymising)' },
  accessRequests: { holds: "requests to see another organisation's incidents: requester (Entra id, name, organisation), what was searched, references, decision and approver", retention: 'the incident retention after the request', enforcedBy: 'retention run (bot/retention/run.ts)' },
  counters: { holds: 'the last reference number per borough and year', retention: 'kept (no personal data)', enforcedBy: 'needed for gap-free numbering' },
  outboxLease: { holds: 'which sender instance holds the sending lease (one row)', retention: 'kept (no personal data)', enforcedBy: 'overwritten by each sender run' },
  outboxDue: { holds: 'when each outbox item is next due', retention: 'until the item finishes', enforcedBy: 'the sender deletes it; the retention run deletes any older than the outbox retention' },
  operations: { holds: 'joint operations: name, area, times, participants, briefing, outcomes', retention: 'the incident retention after the operation ended', enforcedBy: 'retention run (an erasure event is logged)' },
  digestSubscriptions: { holds: 'a person\'s digest subscription', retention: 'while subscribed', enforcedBy: 'deleted when the person unsubscribes or leaves' },
  digestAllowances: { holds: 'people allowed digests by an administrator', retention: 'while allowed', enforcedBy: 'deleted when the allowance is withdrawn' },
  weekStats: { holds: 'cached digest figures per borough-week (may name hotspot areas)', retention: 'the incident retention after the week', enforcedBy: 'deleted when an incident of the week is anonymised, and by the retention run' },
  digestDeliveries: { holds: 'which weekly digest was delivered to whom', retention: 'the incident retention after the week', enforcedBy: 'retention run' },
  reminders: { holds: 'operation reminders due, sent or cancelled (operation id, recipients)', retention: '90 days after due', enforcedBy: 'retention run' },
  warnings: { holds: 'hotspot warnings: borough, district, area name, counts, window', retention: 'the incident retention after raised', enforcedBy: 'retention run' },
  teamsUsers: { holds: "a registered member's Teams user id in this bot's conversations (pseudonymous) and the day it was last seen", retention: '13 months after last seen', enforcedBy: 'retention run (bot/userViews/repository.ts forgetTeamsUsersSeenBefore)' },
  privateNotices: { holds: 'private notices kept for people with no personal chat with Concordat: the repeat-complaint warning or reminder card (references, dates, organisations, operation name and area; no names or addresses), the recipient\'s Entra id, when kept and opened', retention: '7 days after first opened; 30 days after kept if never opened', enforcedBy: 'retention run (bot/notices/repository.ts purgeExpiredNotices); a notice its recipient may no longer see is deleted when they next list or open their notices' },
  complaintIndex: { holds: 'keyed hashes of household/complainant references → incident', retention: 'the incident retention after the incident happened (matching needs 6 months)', enforcedBy: 'retention run' },
};
