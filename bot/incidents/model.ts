import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { Instant, PostcodeDistrict, ProtectiveMarking, RiskLevel } from '../common/common';
import { IncidentReference } from './rules/incident';
import { EntraObjectId } from '../common/member';
import { OrganisationId } from '../common/organisation';
import { ActionTaken, HateCrimeStrand, IncidentCategory } from '../common/taxonomy';
import { lazySchema } from '../common/lazySchema';

/**
 * The stored shapes of incidents (docs/storage.md "Incidents"). A new report
 * is checked against the domain's IncidentSummary before it is stored; the
 * stored record is looser in one way only: once anonymised by the retention
 * rule, its free text is empty.
 */
const count = lazySchema(() => z.number().int().min(0).max(999));

export const SubmissionId = lazySchema(() => z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a card submission id'));

export const People = lazySchema(() => z.object({
  victims: count,
  suspects: count,
  witnesses: count,
  vulnerablePerson: z.boolean(),
  childrenPresent: z.boolean(),
}));
export type People = z.infer<typeof People>;

export const Restricted = lazySchema(() => z.object({
  fullAddress: z.string().trim().max(200).optional(),
  details: z.string().trim().max(4000).optional(),
  /** The landlord's tenancy or case reference, as typed: restricted, shown on no card but the reporter's edit form. */
  householdReference: z.string().trim().max(40).optional(),
  /** Its keyed hash (domain/complaintReference.ts): what repeat matching uses. */
  householdReferenceHash: z.string().regex(/^[a-f0-9]{64}$/).optional(),
}));

export const Actor = lazySchema(() => z.object({
  aadObjectId: EntraObjectId,
  organisationId: OrganisationId,
  displayName: z.string().max(120),
}));
export type Actor = z.infer<typeof Actor>;

/**
 * The intent of a move to another partition (an edit that corrects the
 * borough, or the date into another week), recorded on the incident row in
 * its old partition before anything is written elsewhere. From then on that
 * row is frozen (every writer is ETag-guarded on it and finishes or waits for
 * the move first) and range readers skip it; the new partition's rows are
 * written next, then the reference lookup is pointed at them, then the old
 * rows are deleted. bot/incidents/repository/move.ts moveIncident and settleMove.
 */
export const MoveIntent = lazySchema(() => z.object({
  /** The partition it moves to. */
  to: z.string().min(1).max(80),
  /** The version the moved incident has there (the edit's version). */
  version: z.number().int().min(2),
  /** The edit card that asked for it: its retry resumes the move. */
  submissionId: SubmissionId,
  /** When it was recorded: an intent whose new rows never arrived is undone after MOVE_LEASE_MS. */
  at: Instant,
}));
export type MoveIntent = z.infer<typeof MoveIntent>;

export const IncidentRecord = lazySchema(() => z.object({
  kind: z.literal('incident'),
  reference: IncidentReference,
  borough: BoroughId,
  category: IncidentCategory,
  hateCrimeStrand: HateCrimeStrand.optional(),
  area: z.string().trim().max(80),
  postcodeDistrict: PostcodeDistrict,
  occurredAt: Instant,
  reportedAt: Instant,
  summary: z.string().trim().max(1000),
  people: People,
  policeReference: z.string().max(40).optional(),
  risk: RiskLevel,
  actions: z.array(ActionTaken).min(1),
  sharedWith: z.array(OrganisationId),
  marking: ProtectiveMarking,
  reporter: Actor,
  restricted: Restricted,
  /** The card instance it came from: a second submission of that card stores nothing new. */
  submissionId: SubmissionId,
  /** Bumped by every edit and update; history rows are keyed by it. */
  version: z.number().int().min(1),
  updatedAt: Instant,
  anonymisedAt: Instant.optional(),
  /** Present only while the incident is being moved out of this row's partition. */
  move: MoveIntent.optional(),
}));
export type IncidentRecord = z.infer<typeof IncidentRecord>;

/**
 * Whether a row read by a partition range (lists, hotspots, digests) counts:
 * a row being moved away does not; its copy in the new partition does once
 * written. Readers by reference follow the IncidentIndex instead.
 */
export function isLive(r: IncidentRecord): boolean {
  return r.move === undefined;
}

export const FieldChange = lazySchema(() => z.object({
  field: z.string().max(40),
  /** Absent when the field was empty, or when retention erased the value. */
  from: z.string().max(4000).optional(),
  to: z.string().max(4000).optional(),
}));
export type FieldChange = z.infer<typeof FieldChange>;

/** One step of an incident's history: who, when, and what changed (or what was added). */
export const IncidentHistoryEntry = lazySchema(() => z.object({
  kind: z.literal('history'),
  reference: IncidentReference,
  /** The incident's partition (borough-week), so the entry is stored beside it. */
  partitionKey: z.string().min(1),
  version: z.number().int().min(1),
  type: z.enum(['created', 'update', 'edit', 'linked', 'anonymised']),
  at: Instant,
  by: Actor.or(z.object({ aadObjectId: z.literal('system'), displayName: z.string() })),
  /** An update's text: restricted, like the details. */
  note: z.string().max(2000).optional(),
  changes: z.array(FieldChange).max(40).default([]),
  /** The card instance that made this change, so a resubmission adds nothing. */
  submissionId: SubmissionId.optional(),
}));
export type IncidentHistoryEntry = z.infer<typeof IncidentHistoryEntry>;

/**
 * The week's change marker: every write of an incident in a borough-week
 * partition upserts it, in the same transaction, with a new nonce (no ETag,
 * so writers never contend on it). RowKey WEEK_MARK_KEY (tables.ts). Digests cache a
 * borough-week's figures tagged with the nonce they read (digests/model.ts
 * BoroughWeekStats): current while the marker keeps that nonce.
 */
export const IncidentWeekMark = lazySchema(() => z.object({ kind: z.literal('weekMark'), partitionKey: z.string().min(1), nonce: z.string().min(1).max(64), at: Instant }));
export type IncidentWeekMark = z.infer<typeof IncidentWeekMark>;

/** All live in the Incidents table, one partition per borough-week, so an incident and its history are one range read. */
export const IncidentRow = lazySchema(() => z.discriminatedUnion('kind', [IncidentRecord, IncidentHistoryEntry, IncidentWeekMark]));
export type IncidentRow = z.infer<typeof IncidentRow>;

/** reference → partition, for "incident STO-2026-000123". */
export const IncidentIndexEntry = lazySchema(() => z.object({
  reference: IncidentReference,
  partitionKey: z.string().min(1),
  /**
   * Its IncidentFinder rows, "<partition> <row key>" (bot/search/repository.ts): written before them, so none is ever
   * left behind. An incident has at most 15 (organisation, district, 6 place words, the same 6 within the district,
   * police reference); while a re-index replaces them, the old and the new together: at most 30.
   */
  finderKeys: z.array(z.string().max(200)).max(40).optional(),
}));
export type IncidentIndexEntry = z.infer<typeof IncidentIndexEntry>;

/** submission id → reference: the idempotency record of a report card. */
export const IncidentSubmission = lazySchema(() => z.object({ submissionId: SubmissionId, reference: IncidentReference, at: Instant }));
export type IncidentSubmission = z.infer<typeof IncidentSubmission>;

/**
 * What a reporter chose on their last report, offered again on their next
 * one (an officer reports from the same patch, to the same partners): one
 * row per person, replaced at each report. Choices only: no summary, no
 * details, nothing about a person. Deleted by the retention sweep once older
 * than the incident retention period.
 */
export const ReportDefaults = lazySchema(() => z.object({
  aadObjectId: EntraObjectId,
  borough: BoroughId,
  area: z.string().trim().max(80),
  postcodeDistrict: PostcodeDistrict,
  sharedWith: z.array(OrganisationId).max(50),
  marking: ProtectiveMarking,
  updatedAt: Instant,
}));
export type ReportDefaults = z.infer<typeof ReportDefaults>;
