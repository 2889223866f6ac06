import { deleteOperation, operationsEndedBefore, purgeRemindersDueBefore } from '../operations/repository';
import type { AppContext } from '../kernel/context';
import { pruneAuditBefore } from '../audit/repository';
import { recordAudit } from '../audit/record';
import { forgetIdleRequesters, purgeAccessRequestsBefore } from '../search/repository';
import { indexPlacesWithinDistricts } from '../search/backfill';
import { purgeDeliveriesBefore, purgeWeekStatsBefore } from '../digests/repository';
import { purgeComplaintsBefore, purgeWarningsRaisedBefore } from '../warnings/repository';
import { retentionCutoff } from './rules/schedule';
import { counted } from '../common/words';
import { formatIsoWeek, isoWeekOf } from '../common/isoWeek';
import { applyRetention } from '../incidents/retention';
import { purgeExpiredNotices } from '../notices/repository';
import { NOTICE_OPENED_DAYS, NOTICE_UNOPENED_DAYS } from '../notices/rules/retention';
import { incidentRetentionMonthsOf } from '../directory/settings';
import { forgetTeamsUsersSeenBefore } from '../userViews/repository';
import { purgeAlertsRaisedBefore } from '../alerts/repository';
import { purgeDueBefore, purgeItemsCreatedBefore, stripFinishedPayloads } from '../outbox/repository/retention';
import { deletePartnerRequestsBefore } from '../partners/repository';

/**
 * The nightly retention run: every table's rows past their stated retention
 * (bot/retention/policies.ts, docs/storage.md "Retention") are anonymised or
 * deleted. Each step runs on its own, so one failing does not stop the
 * rest; any failure is logged and told to the administrators through the
 * outbox, and the run then fails so the host records it. Every step is
 * idempotent: tomorrow's run finishes what today's could not.
 */

export interface RetentionStep {
  table: string;
  action: string;
  count: number;
  error?: string;
}

export interface RetentionReport {
  at: string;
  steps: RetentionStep[];
  failed: RetentionStep[];
}

const REMINDER_DAYS = 90;
/** Incidents the one-off finder pass re-indexes per night (about 20 requests each, 8 at a time): a minute or two. */
const FINDER_PASS_BUDGET = 3000;
const TEAMS_USER_MONTHS = 13;

export async function runRetention(ctx: AppContext): Promise<RetentionReport> {
  const now = ctx.clock();
  // Incidents' months come from the partnership file in force (bot/directory/settings.ts); the rest from the configuration.
  const r = { ...ctx.config.retention, incidentMonths: await incidentRetentionMonthsOf(ctx) };
  const incidentCutoff = retentionCutoff(now, r.incidentMonths).toISOString();
  const auditCutoff = retentionCutoff(now, r.auditMonths).toISOString();
  const outboxCutoff = retentionCutoff(now, r.outboxMonths).toISOString();
  const partnerCutoff = new Date(now.getTime() - r.partnerRequestDays * 86_400_000).toISOString();
  const teamsUserCutoff = retentionCutoff(now, TEAMS_USER_MONTHS).toISOString();
  const reminderCutoff = new Date(now.getTime() - REMINDER_DAYS * 86_400_000).toISOString();
  const weekOf = (iso: string) => formatIsoWeek(isoWeekOf(iso.slice(0, 10)));

  const steps: RetentionStep[] = [];
  const step = async (table: string, action: string, work: () => Promise<number>) => {
    try {
      steps.push({ table, action, count: await work() });
    } catch (err) {
      steps.push({ table, action, count: 0, error: (err as Error).message.slice(0, 300) });
      ctx.log.error('retention step failed', { table, action, error: (err as Error).message });
    }
  };

  await step('Incidents', `anonymised: reported before ${incidentCutoff}`, async () => {
    const res = await applyRetention(ctx, { months: r.incidentMonths });
    if (res.failed.length > 0) throw new Error(`${counted(res.failed.length, 'incident')} could not be anonymised: ${res.failed.map((f) => f.reference).join(', ').slice(0, 200)}`);
    return res.anonymised.length;
  });
  // Not a deletion: the one-off pass that indexes incidents stored before place-and-district keys existed, a few
  // thousand a night until done (then one cached read); scripts/backfillFinder.ts does it all at once.
  await step('IncidentFinder', 'place words within districts indexed (one-off pass)', async () => (await indexPlacesWithinDistricts(ctx, { budget: FINDER_PASS_BUDGET })).reindexed);
  // Repeat matching reads 6 months back; the index's keyed hashes go with the incidents' details.
  await step('ComplaintIndex', `deleted: happened before ${incidentCutoff}`, async () => purgeComplaintsBefore(ctx, incidentCutoff));
  // Teams user ids serve only to name who a channel card refreshes for: a member not seen for 13 months needs none.
  await step('TeamsUsers', `deleted: last seen before ${teamsUserCutoff.slice(0, 10)}`, async () => forgetTeamsUsersSeenBefore(ctx, teamsUserCutoff));
  await step('Warnings', `deleted: raised before ${incidentCutoff}`, async () => purgeWarningsRaisedBefore(ctx, incidentCutoff));
  await step('WeekStats', `deleted: weeks before ${weekOf(incidentCutoff)}`, async () => purgeWeekStatsBefore(ctx, weekOf(incidentCutoff)));
  // The sender removes a payload when it finishes an item; this catches items finished before it did, or by a crashed run.
  await step('Outbox', 'payloads removed from finished items', async () => stripFinishedPayloads(ctx, now.toISOString()));
  await step('Outbox', `deleted: created before ${outboxCutoff}`, async () => purgeItemsCreatedBefore(ctx, outboxCutoff));
  await step('OutboxDue', `deleted: due before ${outboxCutoff}`, async () => purgeDueBefore(ctx, outboxCutoff));
  await step('AccessRequests', `deleted: made before ${incidentCutoff}`, async () => purgeAccessRequestsBefore(ctx, incidentCutoff));
  await step('AccessAsks', 'deleted: requesters with nothing waiting and no request in the last day', async () => forgetIdleRequesters(ctx, now, incidentCutoff));
  await step('PartnerRequests', `deleted: made before ${partnerCutoff}`, async () => deletePartnerRequestsBefore(ctx, partnerCutoff));
  await step('Alerts', `deleted: raised before ${incidentCutoff}, with the rows of the channels each went to and their listings`, async () =>
    purgeAlertsRaisedBefore(ctx, incidentCutoff),
  );
  await step('Operations', `deleted: ended before ${incidentCutoff}`, async () => {
    const ended = await operationsEndedBefore(ctx, incidentCutoff);
    for (const row of ended) {
      await deleteOperation(ctx, row);
      await recordAudit(ctx, {
        id: `erasure-${row.value.id}`,
        at: now.toISOString(),
        action: 'erasure',
        actor: 'system',
        subject: { type: 'operation', id: row.value.id },
        note: `deleted ${r.incidentMonths} months after it ended: name, area, participants, briefing and outcomes`,
      });
    }
    return ended.length;
  });
  await step('Reminders', `deleted: due before ${reminderCutoff.slice(0, 10)}`, async () =>
    purgeRemindersDueBefore(ctx, reminderCutoff),
  );
  await step('PrivateNotices', `deleted: opened ${NOTICE_OPENED_DAYS} days ago, or kept ${NOTICE_UNOPENED_DAYS} days ago`, async () => purgeExpiredNotices(ctx));
  await step('DigestDeliveries', `deleted: weeks before ${weekOf(incidentCutoff)}`, async () => purgeDeliveriesBefore(ctx, weekOf(incidentCutoff)));
  await step('Audit', `events logged before ${auditCutoff} pruned`, async () => pruneAuditBefore(ctx, auditCutoff));

  const failed = steps.filter((s) => s.error !== undefined);
  const report: RetentionReport = { at: now.toISOString(), steps, failed };
  ctx.log.info('retention run', { steps: steps.map((s) => `${s.table}: ${s.count} ${s.action}${s.error ? ` FAILED ${s.error}` : ''}`) });
  if (failed.length > 0) await tellAdministrators(ctx, report);
  return report;
}

/** A failed run is not silent: each administrator gets a card in their private chat (once per day's run). */
async function tellAdministrators(ctx: AppContext, report: RetentionReport): Promise<void> {
  const day = report.at.slice(0, 10);
  // Loaded only for a failed run (the posting path: chats, the outbox), not by every nightly run.
  const { notifyAdministrators } = await import('../directory/administrators');
  const told = await notifyAdministrators(
    ctx,
    `retention.${day}`,
    {
      title: 'Retention did not complete',
      text:
        `The nightly retention run on ${day} could not finish ${counted(report.failed.length, 'step')}, so some data is being kept past its retention period: ` +
        report.failed.map((s) => `${s.table} (${s.action}): ${s.error}`).join('; ').slice(0, 1200) +
        '. Tomorrow\'s run tries again; if this repeats, check the storage account and the function app\'s logs.',
    },
    `retention-${day}`,
  );
  ctx.log.error('retention run incomplete; administrators told', { failed: report.failed.length, told });
}
