import type { AppContext } from '../kernel/context';
import { formValuesOf, LIMITS, validateIncidentForm } from './rules/incidentForm';
import { StoreUnavailableError } from '../store/errors';
import { SubmissionId } from './model';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { allOrganisations } from '../referenceData';
import type { ExtensionAnswer, ExtensionRequest, FormData } from '../common/route';
import { categoryLabel, organisationName } from './present';
import { newReportValues, rememberedChoices, reportFormCard } from './reportForm';
import { personalConversationOf } from '../conversation/repository';
import { registered } from './request';
import { confirmationCard, recordReport } from './submit';

/**
 * "Report an incident" from the compose box or a message's "…" menu (a
 * message extension): the same report form in a dialog that only the
 * reporter sees, checked and stored by the same use case as the card. The
 * chat it was started from gets nothing: an incident report is
 * criminal-offence data, so the reference is said in the dialog and the
 * confirmation (with its buttons) goes to the reporter's personal chat.
 */

const TITLE = 'Report an incident';

/**
 * The most of a message offered as the summary. More than a summary may hold, so that an over-long message is
 * shown with its error (never cut to fit without a word); bounded, so the dialog card stays small.
 */
const OFFERED_MAX = LIMITS.summary * 2;

const NOT_REGISTERED =
  "Reports are shared under the concordat's information-sharing agreement. Say help in your personal chat with Concordat to ask for access.";

/** The dialog's first view: the report form, the message's text offered as the summary and checked like any other. */
export async function openReportDialog(ctx: AppContext, req: ExtensionRequest): Promise<ExtensionAnswer> {
  const caller = req.caller;
  if (!registered(caller)) return { kind: 'message', title: 'Only registered partner staff can report incidents', text: NOT_REGISTERED, tone: 'warning' };
  const [organisations, remembered] = await Promise.all([allOrganisations(ctx), rememberedChoices(ctx, caller.aadObjectId)]);
  const offered = (req.messageText ?? '').trim().slice(0, OFFERED_MAX);
  const values = { ...newReportValues(ctx, organisations, caller.organisation, remembered), summary: offered };
  // Only the offered text is judged now: the other fields are the user's to fill, and blank is not yet wrong.
  const checked = offered ? validateIncidentForm(values, { now: ctx.clock(), timeZone: ctx.config.timeZone, organisations }) : undefined;
  const summaryError = checked && !checked.ok ? checked.errors.summary : undefined;
  return {
    kind: 'dialog',
    title: TITLE,
    card: reportFormCard(ctx, organisations, caller.organisation, { values, errors: summaryError ? { summary: summaryError } : {}, dialog: true }),
  };
}

/** The dialog's submission: bad fields show the dialog again with every error and the values kept; good ones are stored. */
export async function submitReportDialog(ctx: AppContext, req: ExtensionRequest & { data: FormData }): Promise<ExtensionAnswer> {
  let outcome: Awaited<ReturnType<typeof recordReport>>;
  try {
    outcome = await recordReport(ctx, req.caller, req.data);
  } catch (err) {
    // A dialog closed on a failure would lose everything typed: it stays open with the values and the same
    // submission id, so pressing Submit again converges on whatever the first attempt began (every step is idempotent).
    if (!registered(req.caller)) throw err;
    ctx.log.error('report from the message extension failed', { error: (err as Error).message });
    const submissionId = SubmissionId.safeParse(req.data.submissionId);
    return {
      kind: 'dialog',
      title: TITLE,
      card: reportFormCard(ctx, await allOrganisations(ctx), req.caller.organisation, {
        submissionId: submissionId.success ? submissionId.data : undefined,
        values: formValuesOf(req.data),
        dialog: true,
        notice: err instanceof StoreUnavailableError
          ? 'Not saved: Concordat cannot reach its storage right now. Nothing you typed is lost: press Submit report again in a minute.'
          : 'Not saved: something went wrong. Nothing you typed is lost: press Submit report again; if it keeps happening, tell your administrator.',
      }),
    };
  }
  switch (outcome.kind) {
    case 'notRegistered':
      return { kind: 'message', title: 'Only registered partner staff can report incidents', text: NOT_REGISTERED, tone: 'warning' };
    case 'notYours':
      return { kind: 'message', title: 'This report form is not yours', text: 'It was already sent by someone else, so Concordat shows you nothing about it. Start a new report.', tone: 'warning' };
    case 'invalid':
      return {
        kind: 'dialog',
        title: TITLE,
        card: reportFormCard(ctx, outcome.organisations, outcome.reporter, { submissionId: outcome.submissionId, values: outcome.values, errors: outcome.errors, dialog: true }),
      };
    case 'recorded': {
      const r = outcome.record;
      // The caller's own chat with Concordat as recorded at installation, never the chat the dialog was started
      // from: a 1:1 chat between two people is also "personal" to Teams.
      const chat = await personalConversationOf(ctx, outcome.record.reporter.aadObjectId);
      if (chat) {
        // Once per report, whatever the retries: the id is the incident's and the card instance's.
        await enqueue(ctx, `incident-confirmation-${r.reference}`, [
          {
            id: `incident-confirmation:${r.reference}:${r.submissionId}`,
            target: targetOf(chat),
            payload: { card: confirmationCard(ctx, r, outcome.organisations, outcome.repeat), summary: `Recorded: ${r.reference}` },
            notifyOnDeadLetter: false,
          },
        ]);
      }
      const what = `${categoryLabel(r)} in ${r.postcodeDistrict}, reported by ${organisationName(outcome.organisations, r.reporter.organisationId)}`;
      return {
        kind: 'message',
        title: `Recorded: ${r.reference}`,
        tone: 'good',
        text: chat
          ? `${what}. The confirmation, with buttons to view, update or edit it, is in your personal chat with Concordat. Nothing was posted to this chat.`
          : `${what}. Nothing was posted to this chat. To see it, open a personal chat with Concordat and type: incident ${r.reference}`,
      };
    }
  }
}
