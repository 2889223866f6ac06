import { randomUUID } from 'node:crypto';
import { formatInstant } from '../common/dates';
import type { AppContext } from '../kernel/context';
import { IncidentReference } from './rules/incident';
import { decideAccess, GRANT_JUSTIFICATION, mayAddUpdate, mayEdit, type Viewer } from './rules/incidentAccess';
import type { Organisation } from '../common/organisation';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { incidentDetailsCard } from '../../cards/incidentDetails';
import { incidentRedactedCard } from '../../cards/incidentRedacted';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { auditIncident } from './audit';
import type { IncidentHistoryEntry, IncidentRecord } from './model';
import { HISTORY_PAGE } from '../../cards/incidentDetails';
import { categoryLabel, detailFacts, historyLines, incidentButtons, organisationName, redactedOf } from './present';
import { notRegisteredCard } from './reportForm';
import { historyEntries, openIncident } from './repository/read';
import type { OpenedIncident } from './repository/loadedIncident';
import { registered, type IncidentRequest, type RegisteredCaller } from './request';
import { unknownIncidentCard } from './submit';
import { repeatStatus } from '../warnings/repeats';
import { allOrganisations } from '../referenceData';
import { reachExplanation } from '../notices/rules/reach';
import { INCIDENT_VERBS } from './verbs';

/** "sto-2026-123" → STO-2026-000123; anything else unchanged (and then refused). */
export function normaliseReference(text: string): string {
  const m = /^\s*([a-z]{3})-(\d{4})-(\d{1,6})\s*$/i.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]!.padStart(6, '0')}` : text.trim();
}

export function viewerOf(caller: IncidentRequest['caller']): Viewer {
  return { member: caller.member, organisation: caller.organisation };
}

/**
 * Which page of an incident's history to show: the HISTORY_PAGE versions before `before` (the latest when
 * absent), oldest first, and the versions of the neighbouring pages. History grows without bound (every update is
 * an entry, one per version from 1 to the record's), a card and an outbox row do not; nor does what a view reads,
 * since only this page's entries are read (historyEntries).
 */
export function historyWindow(latest: number, before?: number): { versions: number[]; earlierBefore?: number; later: boolean; title: string } {
  const upTo = before === undefined ? latest : Math.min(latest, Math.max(0, before - 1));
  const from = Math.max(0, upTo - HISTORY_PAGE);
  const versions = Array.from({ length: upTo - from }, (_, i) => from + 1 + i);
  const title =
    latest <= HISTORY_PAGE ? 'History'
    : upTo === latest ? `History: the latest ${versions.length} of ${latest} changes`
    : `History: changes ${from + 1} to ${upTo} of ${latest}`;
  return { versions, earlierBefore: from > 0 ? from + 1 : undefined, later: upTo < latest, title };
}

/** One page of an incident's history as shown: the window and the entries read for it. */
export type HistoryPage = ReturnType<typeof historyWindow> & { entries: IncidentHistoryEntry[] };

/** The history page `before` asks for (the latest when absent): one point read per entry shown. */
export async function readHistoryPage(ctx: AppContext, opened: OpenedIncident, before?: number): Promise<HistoryPage> {
  const window = historyWindow(opened.record.version, before);
  return { ...window, entries: await historyEntries(ctx, opened, window.versions) };
}

export function detailsCard(
  ctx: AppContext,
  r: IncidentRecord,
  page: HistoryPage,
  viewer: Viewer,
  organisations: readonly Organisation[],
  repeat?: string,
  /** Shown in place, to one person with no personal chat: says so, and offers only what works where they are. */
  opts: { inPlace?: 'otherTenant' | 'noChatYet' } = {},
): AdaptiveCard {
  const tz = ctx.config.timeZone;
  const sharing = { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith };
  const open = r.anonymisedAt === undefined;
  return incidentDetailsCard({
    reference: r.reference,
    category: categoryLabel(r),
    marking: r.marking,
    subtitle: open
      ? `Reported by ${organisationName(organisations, r.reporter.organisationId)} · version ${r.version}`
      : `Anonymised on ${formatInstant(r.anonymisedAt!, tz, 'weekdayDateTime')} under the retention schedule`,
    facts: [...detailFacts(r, organisations, tz), ...(repeat ? [{ title: 'Repeat', value: `${repeat} (same household or complainant reference)` }] : [])],
    summary: open ? r.summary : '(removed under the retention schedule)',
    restricted: [
      ...(r.restricted.fullAddress ? [{ title: 'Full address', value: r.restricted.fullAddress }] : []),
      ...(r.restricted.details ? [{ title: 'Details', value: r.restricted.details }] : []),
    ],
    history: historyLines(page.entries, tz, organisations),
    historyTitle: page.title,
    onlyYou: opts.inPlace ? `Only you can see this. ${reachExplanation(opts.inPlace)} Nothing is posted to the channel; press Hide details, or reload, to see the channel's card again.` : '',
    buttons: [
      ...(page.earlierBefore !== undefined ? [{ title: 'Earlier changes', verb: INCIDENT_VERBS.view, data: { reference: r.reference, historyBefore: page.earlierBefore } }] : []),
      ...(page.later ? [{ title: 'Latest changes', verb: INCIDENT_VERBS.view, data: { reference: r.reference } }] : []),
      // Updating and editing open forms that hold restricted details: those work in a personal chat only.
      ...(opts.inPlace
        ? [{ title: 'Hide details', verb: INCIDENT_VERBS.hide, data: { reference: r.reference } }]
        : incidentButtons(r.reference, { update: open && mayAddUpdate(viewer, sharing), edit: open && mayEdit(viewer, sharing) })),
    ],
  });
}

/** The redacted card with a line saying why that is all the viewer gets. */
function existenceCard(record: IncidentRecord, organisations: readonly Organisation[], notice: string, tone: 'default' | 'attention' | 'good', withButton: boolean): AdaptiveCard {
  const redacted = redactedOf(record, organisations);
  return incidentRedactedCard({
    title: `Incident ${record.reference}`,
    incident: redacted,
    notice,
    tone,
    buttons: withButton ? [{ title: 'View details', verb: INCIDENT_VERBS.view, data: { reference: record.reference } }] : [],
  });
}

/**
 * "View details" (a button anywhere, or `incident REF`): runs the access
 * check for whoever asked. Details are shown only in a personal chat; asked
 * from a channel or group chat, they are sent to the person's personal chat
 * through the outbox. Every view and every refusal is audited.
 */
export async function viewIncident(ctx: AppContext, req: IncidentRequest, referenceText: string, historyBefore?: number): Promise<AdaptiveCard> {
  const reference = normaliseReference(referenceText);
  if (!IncidentReference.safeParse(reference).success) {
    return messageCard({ title: 'Which incident?', text: 'Give its reference, for example: **incident STO-2026-000123**.', tone: 'warning' });
  }
  const caller = req.caller;
  if (!registered(caller)) {
    if (caller.aadObjectId && /^[0-9a-f-]{36}$/i.test(caller.aadObjectId)) {
      await auditIncident(ctx, { action: 'refusal', actor: { aadObjectId: caller.aadObjectId }, reference, note: 'not registered with the concordat' });
    }
    return notRegisteredCard();
  }
  const opened = await openIncident(ctx, reference);
  if (!opened) return unknownIncidentCard(reference);
  return showIncident(ctx, { ...req, caller }, opened, historyBefore);
}

/**
 * The access check and answer of "View details" for an incident already read this turn (by viewIncident, or by a
 * search by reference, which hands on what it read rather than reading it again): details, or the refusal, audited.
 */
export async function showIncident(
  ctx: AppContext,
  req: IncidentRequest & { caller: RegisteredCaller },
  opened: OpenedIncident,
  historyBefore?: number,
): Promise<AdaptiveCard> {
  const caller = req.caller;
  const organisations = await allOrganisations(ctx, caller);
  const r = opened.record;
  const reference = r.reference;
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  const decision = decideAccess(viewerOf(caller), { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });

  if (decision.level !== 'details') return refusedDetails(ctx, caller, r, organisations, `details refused: ${decision.reason}`);

  const justification = GRANT_JUSTIFICATION[decision.grant];
  // Only after the access check, and only for a card that shows them: how many linked complaints share its
  // household reference, and the page of history shown.
  const details = async (opts: { inPlace?: 'otherTenant' | 'noChatYet' } = {}) => {
    const [repeat, page] = await Promise.all([repeatStatus(ctx, r, organisations), readHistoryPage(ctx, opened, historyBefore)]);
    return detailsCard(ctx, r, page, viewerOf(caller), organisations, repeat, opts);
  };
  if (req.scope !== 'personal') {
    const reach = await req.privateReach();
    if (reach.kind === 'inPlace') {
      if (req.answerSeenBy !== 'asker') {
        // A typed command's reply would be posted for the whole channel: answer with the de-identified card, whose
        // button brings each presser their own access-checked view.
        return existenceCard(r, organisations, 'Press View details: Concordat shows the details to you alone, here, and posts nothing to the channel.', 'default', true);
      }
      // No personal chat (a shared-channel member from a partner tenant cannot have one): the details are the answer
      // to this button press, which Teams shows to the presser's client only. Nothing is posted or stored for the channel.
      const card = await details({ inPlace: reach.why });
      await auditIncident(ctx, {
        action: 'consultation',
        actor,
        reference,
        justification: `${justification}; shown to them alone in answer to their button (no private chat with Concordat)`,
        recipients: [caller.aadObjectId],
      });
      return card;
    }
    const chat = reach.chat;
    await enqueue(ctx, `incident-details-${r.reference}`, [
      {
        id: `incident-details:${r.reference}:${randomUUID()}`,
        target: targetOf(chat),
        payload: { card: await details(), summary: `Details of incident ${r.reference}` },
        notifyOnDeadLetter: false,
      },
    ]);
    await auditIncident(ctx, { action: 'consultation', actor, reference, justification: `${justification}; sent to their private chat`, recipients: [caller.aadObjectId] });
    return existenceCard(r, organisations, 'I have sent the details to your private chat with Concordat.', 'good', true);
  }

  const card = await details();
  await auditIncident(ctx, { action: 'consultation', actor, reference, justification });
  return card;
}

/** Details refused: logged on the incident, and the de-identified card saying whom to ask (no View details button). */
async function refusedDetails(ctx: AppContext, caller: RegisteredCaller, r: IncidentRecord, organisations: readonly Organisation[], note: string): Promise<AdaptiveCard> {
  await auditIncident(ctx, { action: 'refusal', actor: { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id }, reference: r.reference, note });
  return existenceCard(
    r,
    organisations,
    `${caller.organisation.name} does not have access to the details of this incident: you can see that it exists. If you need them, ask ${organisationName(organisations, r.reporter.organisationId)} to share it with your organisation.`,
    'attention',
    false,
  );
}

/**
 * "Hide details" on details shown in place: puts back the de-identified card everyone in the channel sees. The
 * button is only on details, so only someone who may see them was given it; anyone else pressing it (a hand-made
 * button) is refused and logged as for View details: otherwise it would be an unlogged way to look up any incident.
 */
export async function hideIncident(ctx: AppContext, req: IncidentRequest, referenceText: string): Promise<AdaptiveCard> {
  const reference = normaliseReference(referenceText);
  const caller = req.caller;
  if (!registered(caller)) return notRegisteredCard();
  const opened = await openIncident(ctx, reference);
  if (!opened) return unknownIncidentCard(reference);
  const r = opened.record;
  const organisations = await allOrganisations(ctx, caller);
  const decision = decideAccess(viewerOf(caller), { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });
  if (decision.level !== 'details') return refusedDetails(ctx, caller, r, organisations, `hide details refused: ${decision.reason}`);
  return existenceCard(r, organisations, '', 'default', true);
}

/** Anything a person cannot do to an incident: audited, and said plainly. */
export async function refuse(ctx: AppContext, req: IncidentRequest, record: IncidentRecord, what: string): Promise<AdaptiveCard> {
  const caller = req.caller;
  if (caller.aadObjectId && /^[0-9a-f-]{36}$/i.test(caller.aadObjectId)) {
    await auditIncident(ctx, { action: 'refusal', actor: { aadObjectId: caller.aadObjectId, organisationId: caller.organisation?.id }, reference: record.reference, note: `${what} refused` });
  }
  const organisations = await allOrganisations(ctx, caller);
  return existenceCard(record, organisations, `You cannot ${what} this incident: only ${what === 'edit' ? 'its reporting organisation and administrators' : 'partners with access to its details'} can.`, 'attention', false);
}
