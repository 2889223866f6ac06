import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context';
import type { Caller } from '../conversation/user';
import { formValuesOf, type FormErrors, type FormValues } from '../domain/incidentForm';
import type { Organisation } from '../domain/organisation';
import { toWallClock } from '../domain/timezone';
import { incidentFormCard } from '../../cards/incidentForm';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { defaultFormValues, formatLocal, formChoices } from './present';
import { registered } from './request';
import { allOrganisations } from '../referenceData';


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

/** The report form: blank with sensible defaults, or a bad submission back with its values and errors. */
export function reportFormCard(
  ctx: AppContext,
  organisations: readonly Organisation[],
  reporter: Organisation,
  opts: { submissionId?: string; values?: FormValues; errors?: FormErrors } = {},
): AdaptiveCard {
  const now = ctx.clock();
  const tz = ctx.config.timeZone;
  return incidentFormCard({
    mode: { kind: 'report', submissionId: opts.submissionId ?? newSubmissionId() },
    values: opts.values ?? defaultFormValues(reporter, organisations, now, tz),
    errors: opts.errors ?? {},
    today: toWallClock(now, tz).date,
    reportedAt: formatLocal(now, tz),
    choices: formChoices(organisations, reporter.id),
  });
}

/** `report` and the help card's "Report incident" button. */
export async function openReportForm(ctx: AppContext, caller: Caller): Promise<AdaptiveCard> {
  if (!registered(caller)) return notRegisteredCard();
  return reportFormCard(ctx, await allOrganisations(ctx), caller.organisation);
}

export { formValuesOf };
