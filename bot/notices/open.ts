import type { AppContext } from '../kernel/context';
import { recordAudit } from '../audit/record';
import { reminderRecipients } from '../operations/model';
import { auditIncident } from '../incidents/audit';
import { loadOperation } from '../operations/repository';
import type { Caller } from '../conversation/user';
import { receivesRepeatWarning } from '../warnings/repeats';
import type { Stored } from '../store/entityTable';
import type { NoticeAbout, PrivateNotice } from './model';
import { privateReachOf } from './reach';
import { dropNotice, markOpened, noticesOf } from './repository';

/** A registered caller with an organisation (incidents/request.ts registered()). */
type Member = Caller & { aadObjectId: string; member: NonNullable<Caller['member']>; organisation: NonNullable<Caller['organisation']> };

export type NoticesResult =
  | { kind: 'list'; reach: 'chat' | 'otherTenant' | 'noChatYet'; notices: PrivateNotice[]; withdrawn: number }
  | { kind: 'opened'; reach: 'chat' | 'otherTenant' | 'noChatYet'; notice: PrivateNotice }
  | { kind: 'gone' };

/**
 * May this person still see this notice? Decided now, from their member
 * record as read on this activity (no cached roles) and the current
 * operation: the same rule that chose them as a recipient.
 */
async function stillFor(ctx: AppContext, caller: Member, about: NoticeAbout): Promise<boolean> {
  switch (about.kind) {
    case 'repeatComplaint':
      return receivesRepeatWarning(caller.member, caller.organisation.kind, about.reporterOrganisationId);
    case 'reminder': {
      const op = (await loadOperation(ctx, about.operationId))?.value;
      return !!op && op.status !== 'cancelled' && reminderRecipients(op).includes(caller.aadObjectId);
    }
  }
}

async function reachOf(ctx: AppContext, caller: Member): Promise<'chat' | 'otherTenant' | 'noChatYet'> {
  const reach = await privateReachOf(ctx, { aadObjectId: caller.aadObjectId, tenantId: caller.member.tenantId ?? caller.tenantId });
  return reach.kind === 'chat' ? 'chat' : reach.why;
}

/**
 * The caller's own notices (their partition only), each re-checked against
 * what they may see now; one they may no longer see is deleted (their roles
 * changed or the operation went) and counted, never shown.
 */
export async function listNotices(ctx: AppContext, caller: Member): Promise<NoticesResult> {
  const rows = await noticesOf(ctx, caller.aadObjectId);
  const notices: PrivateNotice[] = [];
  let withdrawn = 0;
  for (const row of rows) {
    if (await stillFor(ctx, caller, row.value.about)) notices.push(row.value);
    else {
      await dropNotice(ctx, row);
      withdrawn++;
    }
  }
  return { kind: 'list', reach: await reachOf(ctx, caller), notices, withdrawn };
}

/** Opens one of the caller's notices: re-checked, marked opened, and its disclosure to them audited (DPA 2018 s.62). */
export async function openNotice(ctx: AppContext, caller: Member, id: string): Promise<NoticesResult> {
  const row: Stored<PrivateNotice> | undefined = (await noticesOf(ctx, caller.aadObjectId)).find((r) => r.value.id === id);
  if (!row) return { kind: 'gone' };
  const about = row.value.about;
  if (!(await stillFor(ctx, caller, about))) {
    await dropNotice(ctx, row);
    await auditRefused(ctx, caller, about);
    return { kind: 'gone' };
  }
  const at = ctx.clock().toISOString();
  await markOpened(ctx, row, at);
  await auditOpened(ctx, caller, row.value, at);
  return { kind: 'opened', reach: await reachOf(ctx, caller), notice: row.value };
}

const KEPT = 'kept as a private notice (no personal chat with Concordat) and opened by them, shown to them alone';

async function auditOpened(ctx: AppContext, caller: Member, notice: PrivateNotice, at: string): Promise<void> {
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  const about = notice.about;
  if (about.kind === 'repeatComplaint') {
    await auditIncident(ctx, {
      action: 'disclosure',
      actor,
      reference: about.reference,
      at,
      justification: `ASB case-review warning to a lead of the reporting organisation or the police; ${KEPT}`,
      recipients: [caller.aadObjectId],
      note: `private notice ${notice.id}`,
    });
    return;
  }
  await recordAudit(ctx, {
    at,
    action: 'disclosure',
    actor,
    subject: { type: 'operation', id: about.operationId },
    justification: `reminder to a person taking part; ${KEPT}`,
    recipients: [caller.aadObjectId],
    note: `private notice ${notice.id}`,
  });
}

async function auditRefused(ctx: AppContext, caller: Member, about: NoticeAbout): Promise<void> {
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  const note = 'private notice withheld: no longer one of its recipients';
  if (about.kind === 'repeatComplaint') {
    await auditIncident(ctx, { action: 'refusal', actor, reference: about.reference, note });
    return;
  }
  await recordAudit(ctx, { action: 'refusal', actor, subject: { type: 'operation', id: about.operationId }, note });
}
