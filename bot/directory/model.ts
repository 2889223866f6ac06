import { z } from 'zod';
import { Role } from '../common/access';
import { BoroughId } from '../common/borough';
import { Instant } from '../common/common';
import { ConversationReference } from '../conversation/model';
import { HotspotRule, HotspotRuleOverride } from '../warnings/rules/hotspots';
import { EntraObjectId } from '../common/member';
import { OrganisationId, OrganisationKind } from '../common/organisation';
import { ThemeId } from '../common/theme';
import { lazySchema } from '../common/lazySchema';

/**
 * The partnership directory: who is in the concordat. Its source is one
 * versioned partnership file (docs/directory.md); the store keeps every
 * applied version as a snapshot and a head row naming the current one.
 */

/** Microsoft 365 tenant ids and Entra object ids are GUIDs; the message names the rule, not zod's word for it. */
export const Guid = lazySchema(() => z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'not a GUID').transform((s) => s.toLowerCase()));
export const EmailDomain = lazySchema(() => z
  .string()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'not an e-mail domain such as stockporthomes.org.uk')
  .transform((s) => s.toLowerCase()));
const Text = (max: number) => z.string().trim().min(2).max(max);

/** A borough of the city region that takes part, with what it has agreed locally. */
export const BoroughEntry = lazySchema(() => z.object({
  id: BoroughId,
  /** The police division serving it, shown on priorities ("Stockport district"). */
  policeDivision: Text(80).optional(),
  /** Local hotspot rule changes, per rule id: {"asb": {"threshold": 6}}. */
  hotspots: z.record(z.string(), HotspotRuleOverride).default({}),
}).strict());

export const ThemeLead = lazySchema(() => z.object({ borough: BoroughId, person: Guid }).strict());

export const ThemeEntry = lazySchema(() => z.object({
  id: ThemeId,
  name: Text(80),
  priorityAreas: z.array(Text(120)).min(1, 'a theme has at least one priority area').max(20),
  /** Who leads this theme in each borough: a person of `people`. */
  leads: z.array(ThemeLead).max(20).default([]),
}).strict());

export const OrganisationEntry = lazySchema(() => z.object({
  id: OrganisationId,
  name: Text(120),
  kind: OrganisationKind,
  boroughs: z.array(BoroughId).min(1, 'an organisation serves at least one borough'),
  /** The Microsoft 365 tenants its staff sign in from (several organisations may share a host tenant). */
  tenantIds: z.array(Guid).min(1, 'an organisation has at least one Microsoft 365 tenant id').max(10),
  /** E-mail domains that name it (proposes the organisation to someone asking for access). */
  emailDomains: z.array(EmailDomain).max(10).default([]),
  /** Organisations its incident reports are shared with unless the reporter changes it. */
  defaultSharing: z.array(OrganisationId).max(50).default([]),
}).strict());

/** Roles a file may give a person; theme leadership comes from `themes[].leads`, administration from `administrators`. */
export const PersonEntry = lazySchema(() => z.object({
  aadObjectId: Guid,
  tenantId: Guid,
  displayName: Text(120),
  jobTitle: Text(120).optional(),
  organisation: OrganisationId,
  roles: z.array(Role).min(1, 'a person has at least one role').max(5),
}).strict());
export type PersonEntry = z.infer<typeof PersonEntry>;

export const AccessReviewSettings = lazySchema(() => z.object({
  /** How often each organisation's approvers confirm their members. */
  everyMonths: z.number().int().min(1).max(12).default(3),
  /** Members not confirmed this many days after the review opens are suspended. */
  deadlineDays: z.number().int().min(1).max(60).default(14),
}).strict());

export const DeploymentSettings = lazySchema(() => z.object({
  /** The hotspot rules every borough starts from (per-borough changes are under boroughs[].hotspots). */
  hotspotRules: z.array(HotspotRule).min(1).max(20).optional(),
  /**
   * Months before an incident is anonymised, and its copies (finder and complaint index rows, warnings, alerts,
   * operations, digest figures) deleted. Omitted: INCIDENT_RETENTION_MONTHS (default 13). See settings.ts.
   */
  incidentRetentionMonths: z.number().int().min(1).max(120).optional(),
  accessReview: AccessReviewSettings.default({}),
}).strict());

export const PARTNERSHIP_SCHEMA = 'concordat.partnership/v1';

export const PartnershipFile = lazySchema(() => z.object({
  schema: z.literal(PARTNERSHIP_SCHEMA, { errorMap: () => ({ message: `must be "${PARTNERSHIP_SCHEMA}"` }) }),
  name: Text(120),
  boroughs: z.array(BoroughEntry).min(1).max(20),
  themes: z.array(ThemeEntry).min(1, 'a partnership has at least one theme').max(20),
  organisations: z.array(OrganisationEntry).min(1).max(200),
  /** Named people: administrators, theme leads, and anyone onboarded by file. */
  people: z.array(PersonEntry).max(100).default([]),
  /** Object ids (of `people`) of the concordat administrators. */
  administrators: z.array(Guid).min(1, 'a partnership has at least one administrator').max(20),
  settings: DeploymentSettings.default({}),
}).strict());
export type PartnershipFile = z.infer<typeof PartnershipFile>;

/** Bulk onboarding: people of one organisation, in the same plan/apply as the partnership file. */
export const PEOPLE_SCHEMA = 'concordat.people/v1';
/** A user principal name (sign-in name), e.g. nadia.ashraf@stockporthomes.org.uk. Matched case-insensitively. */
export const UserPrincipalName = lazySchema(() => z
  .string()
  .max(254)
  .regex(/^[^\s@,;"<>]{1,113}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'not a user principal name such as nadia.ashraf@stockporthomes.org.uk')
  .transform((s) => s.toLowerCase()));

/**
 * A person of a people file: named by Entra object id, or by user principal
 * name (resolved to the object id through Microsoft Graph before anything is
 * planned: bot/directory/resolveUpns.ts). Exactly one of the two.
 */
export const PeopleFileEntry = lazySchema(() => PersonEntry.omit({ organisation: true, aadObjectId: true })
  .extend({ aadObjectId: Guid.optional(), userPrincipalName: UserPrincipalName.optional() })
  .strict()
  .superRefine((p, ctx) => {
    if (p.aadObjectId === undefined && p.userPrincipalName === undefined) ctx.addIssue({ code: 'custom', path: ['aadObjectId'], message: 'give aadObjectId or userPrincipalName' });
    if (p.aadObjectId !== undefined && p.userPrincipalName !== undefined) ctx.addIssue({ code: 'custom', path: ['userPrincipalName'], message: 'give aadObjectId or userPrincipalName, not both' });
  }));

export const PeopleFile = lazySchema(() => z.object({
  schema: z.literal(PEOPLE_SCHEMA, { errorMap: () => ({ message: `must be "${PEOPLE_SCHEMA}"` }) }),
  organisation: OrganisationId,
  people: z.array(PeopleFileEntry).min(1).max(100),
}).strict());
export type PeopleFile = z.infer<typeof PeopleFile>;
/** A people file whose every person has their object id (UPNs resolved). */
export type ResolvedPeopleFile = Omit<PeopleFile, 'people'> & { people: (PeopleFile['people'][number] & { aadObjectId: string })[] };

// ---- What the store keeps -------------------------------------------------

export const DirectoryOrganisation = lazySchema(() => OrganisationEntry.extend({ retiredAt: Instant.optional() }));
export type DirectoryOrganisation = z.infer<typeof DirectoryOrganisation>;
export const DirectoryTheme = lazySchema(() => ThemeEntry.extend({ retiredAt: Instant.optional() }));
export type DirectoryTheme = z.infer<typeof DirectoryTheme>;

/**
 * One applied version of the directory, as rows of one partition (`position`
 * keeps the file's order: themes are shown in it). Retired
 * organisations and themes stay in every later version, so names in
 * history keep resolving.
 */
export const SnapshotRow = lazySchema(() => z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('version'), version: z.number().int().min(1), name: z.string(), appliedAt: Instant, appliedBy: z.string(), fileHash: z.string(), summary: z.string().max(200), boroughs: z.array(BoroughEntry), administrators: z.array(Guid), settings: DeploymentSettings }),
  z.object({ kind: z.literal('organisation'), version: z.number().int().min(1), position: z.number().int().min(0), value: DirectoryOrganisation }),
  z.object({ kind: z.literal('theme'), version: z.number().int().min(1), position: z.number().int().min(0), value: DirectoryTheme }),
  z.object({ kind: z.literal('person'), version: z.number().int().min(1), position: z.number().int().min(0), value: PersonEntry }),
]));
export type SnapshotRow = z.infer<typeof SnapshotRow>;

/** The commit pointer: one row, switched with its ETag, names the version in force. */
export const DirectoryHead = lazySchema(() => z.object({
  kind: z.literal('head'),
  version: z.number().int().min(0),
  /** Set while a version is being committed: the member rows it names are written before `version` moves. */
  pending: z.number().int().min(1).optional(),
  updatedAt: Instant,
}));
export type DirectoryHead = z.infer<typeof DirectoryHead>;

export const DirectoryRow = lazySchema(() => z.union([DirectoryHead, SnapshotRow]));
export type DirectoryRow = z.infer<typeof DirectoryRow>;

/** The directory in force, as read from the store. */
export interface Directory {
  version: number;
  name: string;
  boroughs: z.infer<typeof BoroughEntry>[];
  organisations: DirectoryOrganisation[];
  themes: DirectoryTheme[];
  people: PersonEntry[];
  administrators: string[];
  settings: z.infer<typeof DeploymentSettings>;
}

export const EMPTY_DIRECTORY: Directory = {
  version: 0,
  name: '',
  boroughs: [],
  organisations: [],
  themes: [],
  people: [],
  administrators: [],
  // The defaults, read when asked for: parsing here would build the settings schemas in every instance at load.
  get settings() {
    return DeploymentSettings.parse({});
  },
};

// ---- People -----------------------------------------------------------------

export const RequestedRole = lazySchema(() => z.enum(['staff', 'coordinator', 'themeLead', 'orgLead']));

/** Someone the directory did not know asked to join. One row per person: a new request replaces a decided one. */
export const AccessRequest = lazySchema(() => z.object({
  aadObjectId: EntraObjectId,
  tenantId: Guid,
  displayName: z.string().min(1).max(120),
  email: z.string().max(254).optional(),
  organisationId: OrganisationId.optional(),
  /** 'organisation': its approvers decide; 'administrators': no organisation claims the tenant or domain. */
  routedTo: z.enum(['organisation', 'administrators']),
  role: RequestedRole,
  jobTitle: z.string().max(120).optional(),
  reason: z.string().min(5).max(500),
  requestedAt: Instant,
  status: z.enum(['pending', 'approved', 'declined']),
  decidedBy: EntraObjectId.optional(),
  decidedAt: Instant.optional(),
  declineReason: z.string().max(500).optional(),
  /** Where they asked: their answer goes back there (a personal chat). */
  conversation: ConversationReference.optional(),
}));
export type AccessRequest = z.infer<typeof AccessRequest>;

/** A person as an access review round lists them: a snapshot taken when the round opened. */
export const ReviewPerson = lazySchema(() => z.object({ aadObjectId: EntraObjectId, displayName: z.string().min(1).max(120) }));
export type ReviewPerson = z.infer<typeof ReviewPerson>;

export const ReviewOutcome = lazySchema(() => z.enum(['pending', 'confirmed', 'removed', 'suspended']));
export type ReviewOutcome = z.infer<typeof ReviewOutcome>;

/**
 * One organisation's access review round: by when its members must be confirmed. Who is in the round, and what was
 * decided for each, are rows of their own (ReviewEntryRow): an organisation can have thousands of members, and one
 * row holding them all would pass Azure's 64 KiB property limit.
 *
 * `members` is the shape rounds were stored in before (up to 500 people inline): such a row is still read, and
 * converted into entry rows the first time it is (bot/directory/repository.ts latestReview).
 */
export const AccessReview = lazySchema(() => z.object({
  organisationId: OrganisationId,
  round: z.string().regex(/^\d{4}-\d{2}$/), // the month the round opened, e.g. 2026-11
  openedAt: Instant,
  deadline: Instant,
  /**
   * How far writing the round's people has got while it opens (a step at a time, members in object id order): the
   * last id written and how many people so far. A run that stops part way goes on from here.
   */
  opening: z
    .object({
      after: z.string().max(64),
      people: z.number().int().min(0),
      /**
       * The organisation's approvers met so far (active members with the orgLead role, at most MAX_APPROVERS): the
       * steps read every member anyway, so whom to send the cards is known without another read of them all. Absent
       * on rounds whose opening began before this was kept: their approvers are read once, when they are announced.
       */
      approvers: z.array(z.string().max(64)).max(MAX_APPROVERS).optional(),
    })
    .optional(),
  /** Set once the approvers' cards are in the outbox: until then the daily run finishes opening the round. */
  announcedAt: Instant.optional(),
  closedAt: Instant.optional(),
  /** Rounds stored before entry rows existed. */
  members: z.array(ReviewPerson.extend({ displayName: z.string(), outcome: ReviewOutcome })).max(500).optional(),
}));
export type AccessReview = z.infer<typeof AccessReview>;
export type OpeningProgress = NonNullable<AccessReview['opening']>;
/** The most approvers a round's cards go to (an organisation names a handful; the cap keeps the round's row small). */
export const MAX_APPROVERS = 50;

/**
 * Where the daily access review run got to (one row): the organisation a run stopped at when its read budget was
 * spent (the next run starts there), and the organisation whose people index is checked next (the index is checked a
 * few organisations a run, round the partnership). Organisation ids only: no personal data.
 */
export const ReviewRunCursor = lazySchema(() => z.object({
  resumeAt: OrganisationId.optional(),
  reconcileNext: OrganisationId.optional(),
  /**
   * Organisations never reviewed whose members were all read and none was due: not due before `at` (the oldest
   * membership's date plus `everyMonths`; anyone joining later is due later still), so they are not read again daily.
   */
  notDueBefore: z.record(z.string().max(60), z.object({ at: Instant, everyMonths: z.number().int().min(1) })).optional(),
  at: Instant,
}));
export type ReviewRunCursor = z.infer<typeof ReviewRunCursor>;

/** How many of a round's people were confirmed, removed or suspended (the rest are pending). */
export interface ReviewCounts {
  total: number;
  confirmed: number;
  removed: number;
  suspended: number;
}

/**
 * The rows of one round (one partition each, bot/directory/tables.ts):
 * - `tally`: the counts, written last when the round opens (until it exists the round is still being opened), and
 *   changed in the same transaction as every decision, so it never disagrees with the entries;
 * - `entry`: one per person, with what was decided: read by object id when an approver acts on a row;
 * - `pending`: one per person still to decide, keyed in name order: a page of the card is one range read.
 */
const roundKeys = () => ({ organisationId: OrganisationId, round: z.string().regex(/^\d{4}-\d{2}$/) });
export const ReviewEntryRow = lazySchema(() => {
  const RoundKeys = roundKeys();
  return z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('tally'), ...RoundKeys, total: z.number().int().min(0), confirmed: z.number().int().min(0), removed: z.number().int().min(0), suspended: z.number().int().min(0) }),
    z.object({ kind: z.literal('entry'), ...RoundKeys, ...ReviewPerson.shape, outcome: ReviewOutcome, decidedAt: Instant.optional() }),
    z.object({ kind: z.literal('pending'), ...RoundKeys, ...ReviewPerson.shape }),
  ]);
});
export type ReviewEntryRow = z.infer<typeof ReviewEntryRow>;
export type ReviewTally = Extract<ReviewEntryRow, { kind: 'tally' }>;
export type ReviewEntry = Extract<ReviewEntryRow, { kind: 'entry' }>;
