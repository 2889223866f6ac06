import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { findMember, findRequest, loadDirectory } from '../directory/repository';
import { permits } from '../common/access';
import { MAY } from '../common/permissions';
import { signPageToken, verifyPageToken } from '../search/rules/pageToken';
import { auditPageTokenRefusal, auditRouteRefusal, refusalWindowStart } from '../conversation/refusalAudit';
import { openIncident } from '../incidents/repository/read';
import { decideAccess } from '../incidents/rules/incidentAccess';
import { auditIncident, stableId } from '../incidents/audit';
import { AuditEvent } from './event';
import { AUDIT_VERBS } from './verbs';
import { appendAudit, auditEventsPage, type NumberedEvent } from './repository';

/**
 * `audit <subject>`: a subject's audit trail (who collected, consulted,
 * altered, disclosed, combined or erased what, and who was refused), newest
 * first, a page per turn, for a data protection officer or an administrator
 * in a private chat. Reading the log is itself logged, on the same trail.
 */

export const AUDIT_PAGE_SIZE = 10;

export const AuditSubject = z.object({ type: AuditEvent.innerType().innerType().shape.subject.shape.type, id: z.string().min(1).max(100) });
export type AuditSubject = z.infer<typeof AuditSubject>;
export const AUDIT_SUBJECT_TYPES = AuditSubject.shape.type.options;

/** What a "More" token pages: one subject's trail, and the lowest event number retention has left. */
const TrailPage = z.object({ list: z.literal('audit'), subject: AuditSubject, floor: z.number().int().min(1) });

const INCIDENT_REFERENCE = /^[A-Z]{3}-\d{4}-\d{6}$/;
const OPERATION_ID = /^OP-[A-Z]{3}-[0-9A-Z]{6}$/;

/** "incident STO-2026-000123", "STO-2026-000123", "operation OP-STO-7K3Q9M", "member <Entra id>", "alert <id>"... */
export function parseAuditSubject(args: string): AuditSubject | undefined {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length === 1) {
    const id = words[0]!.toUpperCase();
    if (INCIDENT_REFERENCE.test(id)) return { type: 'incident', id };
    if (OPERATION_ID.test(id)) return { type: 'operation', id };
    return undefined;
  }
  if (words.length !== 2) return undefined;
  const type = AuditSubject.shape.type.safeParse(words[0]!.toLowerCase());
  if (!type.success) return undefined;
  const raw = words[1]!;
  const id = type.data === 'incident' || type.data === 'operation' ? raw.toUpperCase() : raw;
  const parsed = AuditSubject.safeParse({ type: type.data, id });
  return parsed.success ? parsed.data : undefined;
}

export interface TrailLine extends NumberedEvent {
  actorName: string;
  actorOrganisation?: string;
}

export type TrailResult =
  | { kind: 'refused' }
  | { kind: 'usage'; typed: string; notice?: string }
  | { kind: 'page'; subject: AuditSubject; lines: TrailLine[]; more?: string; continued: boolean; notice?: string };

export async function auditTrailPage(ctx: AppContext, caller: Caller, input: { args?: string; more?: unknown }): Promise<TrailResult> {
  const member = caller.member;
  // Defence in depth: the gate let only these through already.
  if (!member || !permits(MAY.readAudit, { member })) return { kind: 'refused' };
  const now = ctx.clock();
  let subject: AuditSubject | undefined;
  let before: number | undefined;
  let floor: number | undefined;
  let notice: string | undefined;
  const resumed = input.more !== undefined ? verifyPageToken(ctx.config.referenceHashKey, input.more, member.aadObjectId, TrailPage, now) : undefined;
  if (resumed?.ok && /^\d{1,10}$/.test(resumed.continuation)) {
    subject = resumed.query.subject;
    floor = resumed.query.floor;
    before = Number(resumed.continuation);
  } else {
    if (resumed) {
      notice = 'That "More" button could not be used (it was out of date, made for someone else, or changed). Type **audit** and the subject again.';
      await auditPageTokenRefusal(ctx, { aadObjectId: member.aadObjectId, organisationId: member.organisationId }, `action:${AUDIT_VERBS.trail}`, 'audit trail', resumed.ok ? 'page token continuation is not a position' : resumed.reason);
    }
    subject = parseAuditSubject(input.args ?? '');
    if (!subject) return { kind: 'usage', typed: input.args ?? '', ...(notice ? { notice } : {}) };
  }

  // A DPO reads the trails of what their organisation may see (an administrator reads every trail). A refused
  // subject gets the answer a subject with nothing logged gets, so the answer does not say whether it exists; the
  // refusal is logged, and the reader's look is not written on that trail.
  // A refusal is logged under what was used: the "More" button when it was pressed, else the command.
  const route = before !== undefined ? `action:${AUDIT_VERBS.trail}` : 'command:audit';
  if (!member.roles.includes('admin') && !(await dpoMayRead(ctx, caller, subject, route))) {
    return { kind: 'page', subject, lines: [], continued: before !== undefined, ...(notice ? { notice } : {}) };
  }

  // Persist before showing: the review is logged on the trail it reads (and so is its first line).
  await appendAudit(ctx, {
    id: randomUUID(),
    at: now.toISOString(),
    action: 'consultation',
    actor: { aadObjectId: member.aadObjectId, ...(caller.organisation ? { organisationId: caller.organisation.id } : {}) },
    subject,
    justification: member.roles.includes('dpo') ? 'audit log review by a data protection officer' : 'audit log review by a concordat administrator',
    note: before === undefined ? 'audit trail viewed' : 'older audit events viewed',
  });
  const page = await auditEventsPage(ctx, subject, { size: AUDIT_PAGE_SIZE, ...(before !== undefined ? { before } : {}), ...(floor !== undefined ? { floor } : {}) });

  // Names: one point read per person on the page (at most a page's worth), and the organisations once.
  const people = [...new Set(page.events.map((e) => e.event.actor.aadObjectId).filter((id) => id !== 'system'))];
  const [found, directory] = await Promise.all([Promise.all(people.map((id) => findMember(ctx, id))), loadDirectory(ctx)]);
  const names = new Map(found.flatMap((m) => (m ? [[m.value.aadObjectId, m.value.displayName] as const] : [])));
  const orgs = new Map(directory.organisations.map((o) => [o.id, o.name]));
  const lines = page.events.map((e): TrailLine => {
    const a = e.event.actor;
    const actorOrganisation = a.organisationId ? (orgs.get(a.organisationId) ?? a.organisationId) : undefined;
    return {
      ...e,
      actorName: a.aadObjectId === 'system' ? 'Concordat (automatic)' : (names.get(a.aadObjectId) ?? `a former member (${a.aadObjectId})`),
      ...(actorOrganisation ? { actorOrganisation } : {}),
    };
  });
  const more =
    page.before !== undefined
      ? signPageToken(ctx.config.referenceHashKey, { user: member.aadObjectId, query: { list: 'audit', subject, floor: page.floor }, continuation: String(page.before) }, now)
      : undefined;
  return { kind: 'page', subject, lines, ...(more ? { more } : {}), continued: before !== undefined, ...(notice ? { notice } : {}) };
}

/**
 * Whether a data protection officer (not an administrator) may read this subject's trail; a refusal is audited.
 * - an incident: only if their organisation may see its details (the rule View details uses: the reporter's
 *   organisation, organisations it was shared with, the police);
 * - a member: only a member of their own organisation;
 * - a join request (access-request, keyed by the requester's Entra id): only if it asked to join their
 *   organisation, or the requester is now one of its members (a decided request is deleted by retention);
 * - alerts, operations, priorities, routes and the directory are partnership-wide (docs/audit.md).
 * A refusal of a real incident is logged on that incident (its owners' DPO sees who tried), once per reader and
 * hour; anything else is logged as a refusal of the route used (the command, or the "More" button of a trail the
 * reader could read when it was given), never under the asked-for id, so an invented subject gets no trail.
 */
async function dpoMayRead(ctx: AppContext, caller: Caller, subject: AuditSubject, route: string): Promise<boolean> {
  const member = caller.member!;
  const orgId = member.organisationId;
  const actor = { aadObjectId: member.aadObjectId, organisationId: orgId };
  const windowStart = refusalWindowStart(ctx.clock());
  switch (subject.type) {
    case 'incident': {
      const opened = await openIncident(ctx, subject.id);
      if (!opened) break;
      const r = opened.record;
      const decision = decideAccess({ member, organisation: caller.organisation }, { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });
      if (decision.level === 'details') return true;
      await auditIncident(ctx, {
        id: stableId('audit-trail-refused', member.aadObjectId, r.reference, windowStart),
        action: 'refusal',
        actor,
        reference: r.reference,
        note: `audit trail refused to a data protection officer of ${orgId}: ${decision.reason}; told nothing is logged`,
      });
      return false;
    }
    case 'member': {
      if ((await findMember(ctx, subject.id))?.value.organisationId === orgId) return true;
      break;
    }
    case 'access-request': {
      const [request, requester] = await Promise.all([findRequest(ctx, subject.id), findMember(ctx, subject.id)]);
      if (request?.value.organisationId === orgId || requester?.value.organisationId === orgId) return true;
      break;
    }
    default:
      return true;
  }
  await auditRouteRefusal(ctx, actor, route, `audit trail of a ${subject.type} refused to a data protection officer of ${orgId}: not their organisation's (or not found); told nothing is logged`);
  return false;
}
