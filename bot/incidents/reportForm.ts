import { randomUUID } from 'node:crypto';
import { formatInstant, timeZoneLabel } from '../common/dates';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { formValuesOf, type FormErrors, type FormValues } from './rules/incidentForm';
import type { Organisation } from '../common/organisation';
import { toWallClock } from '../common/timezone';
import { incidentFormCard } from '../../cards/incidentForm';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { defaultFormValues, formChoices, reportTimeNote } from './present';
import { registered } from './request';
import { allOrganisations } from '../referenceData';
import type { IncidentRecord, ReportDefaults } from './model';
import { reportDefaultsOf, saveReportDefaults } from './repository/reportDefaults';


export function notRegisteredCard(): AdaptiveCard {
  return messageCard({
    title: 'Only registered partner staff can do that',
    text: "Incident reports are shared under the concordat's information-sharing agreement. Ask your organisation's Concordat administrator to register you.",
    tone: 'warning',
  });
}

/** A new submission id per card instance: the idempotency key of whatever that card submits. */
export function newSubmissionId(): string {
  return randomUUID().replace(/-/g, '');
}

/** The report form: blank with sensible defaults (and the reporter's last choices), or a bad submission back with its values and errors. */
export function reportFormCard(
  ctx: AppContext,
  organisations: readonly Organisation[],
  reporter: Organisation,
  opts: { submissionId?: string; values?: FormValues; errors?: FormErrors; remembered?: ReportDefaults; /** In a message extension's dialog. */ dialog?: boolean; notice?: string } = {},
): AdaptiveCard {
  const now = ctx.clock();
  const tz = ctx.config.timeZone;
  return incidentFormCard({
    mode: { kind: 'report', submissionId: opts.submissionId ?? newSubmissionId() },
    values: opts.values ?? newReportValues(ctx, organisations, reporter, opts.remembered),
    errors: opts.errors ?? {},
    dialog: opts.dialog ?? false,
    notice: opts.notice ?? '',
    today: toWallClock(now, tz).date,
    reportedAt: formatInstant(now, tz, 'weekdayDateTime'),
    timeZoneLabel: timeZoneLabel(tz),
    timeNote: reportTimeNote(tz),
    choices: formChoices(organisations, reporter.id),
  });
}

/** A new report's values: the defaults, with the reporter's last place and sharing where they still make sense. */
export function newReportValues(ctx: AppContext, organisations: readonly Organisation[], reporter: Organisation, remembered: ReportDefaults | undefined): FormValues {
  return withRemembered(defaultFormValues(reporter, organisations, ctx.clock(), ctx.config.timeZone), remembered, organisations);
}

/**
 * The last report's place and sharing, where they still make sense: an organisation that has since left is
 * dropped from the sharing, and the police stay (they always see incidents).
 */
function withRemembered(values: FormValues, remembered: ReportDefaults | undefined, organisations: readonly Organisation[]): FormValues {
  if (!remembered) return values;
  const known = new Set(organisations.map((o) => o.id));
  const police = organisations.filter((o) => o.kind === 'police').map((o) => o.id);
  const sharedWith = [...new Set([...police, ...remembered.sharedWith.filter((id) => known.has(id))])];
  return {
    ...values,
    borough: remembered.borough,
    area: remembered.area,
    postcodeDistrict: remembered.postcodeDistrict,
    sharedWith: sharedWith.join(','),
    marking: remembered.marking,
  };
}

/** The reporter's last choices, if any (a damaged row is ignored: the form falls back to the defaults). */
export async function rememberedChoices(ctx: AppContext, aadObjectId: string): Promise<ReportDefaults | undefined> {
  try {
    return await reportDefaultsOf(ctx, aadObjectId);
  } catch (err) {
    ctx.log.warn('report defaults unreadable; using the standard defaults', { error: (err as Error).message });
    return undefined;
  }
}

/** Keeps a report's place and sharing for the reporter's next report. Idempotent (one row per person, replaced). */
export async function rememberChoices(ctx: AppContext, aadObjectId: string, record: Pick<IncidentRecord, 'borough' | 'area' | 'postcodeDistrict' | 'sharedWith' | 'marking'>): Promise<void> {
  await saveReportDefaults(ctx, {
    aadObjectId,
    borough: record.borough,
    area: record.area,
    postcodeDistrict: record.postcodeDistrict,
    sharedWith: record.sharedWith,
    marking: record.marking,
    updatedAt: ctx.clock().toISOString(),
  });
}

/** `report` and the help card's "Report incident" button. */
export async function openReportForm(ctx: AppContext, caller: Caller): Promise<AdaptiveCard> {
  if (!registered(caller)) return notRegisteredCard();
  const [organisations, remembered] = await Promise.all([allOrganisations(ctx), rememberedChoices(ctx, caller.aadObjectId)]);
  return reportFormCard(ctx, organisations, caller.organisation, { remembered });
}

export { formValuesOf };
