import { z } from 'zod';
import { formatInstant } from '../common/dates';
import type { AppContext } from '../kernel/context';
import { boroughById } from '../common/borough';
import { decideAccess, type Viewer } from '../incidents/rules/incidentAccess';
import { RISK_GUIDANCE } from '../incidents/rules/incidentRedaction';
import { CATEGORY_LABELS } from '../common/taxonomy';
import { fromWallClock } from '../common/timezone';
import { notRegisteredCard } from '../incidents/reportForm';
import { registered, type IncidentRequest } from '../incidents/request';
import { showIncident } from '../incidents/view';
import { openIncident } from '../incidents/repository/read';
import { auditIncident } from '../incidents/audit';
import { auditPageTokenRefusal } from '../conversation/refusalAudit';
import { organisationNames } from '../referenceData';
import { incidentSearchCard } from '../../cards/incidentSearch';
import type { AdaptiveCard } from '../../cards/render';
import type { Button } from '../../cards/incidentCommon';
import type { FinderRow } from './model';
import { finderMarked, finderPage } from './repository';
import { finderKey, placeWords } from './rules/keys';
import { signPageToken, verifyPageToken } from './rules/pageToken';
import { describeQuery, parseSearch, SEARCH_HELP, SearchQuery } from './rules/query';
import { SEARCH_VERBS } from './verbs';

/**
 * Rows read per page of a search: one storage request; visible ones listed, the rest counted by organisation.
 * A card of 15 lines, its More and its request buttons stays under the 28 KB card budget (25 lines came to 32.7 KB,
 * measured as Teams does, in UTF-16) and is about two phone screens.
 */
export const SEARCH_PAGE_SIZE = 15;
/** Request-access buttons per card (Teams shows at most 6 actions: Search and More take two). */
const MAX_REQUEST_BUTTONS = 4;

const SearchInput = z.object({
  q: z.string().max(400).default(''),
  from: z.string().max(20).default(''),
  to: z.string().max(20).default(''),
  more: z.string().max(4000).optional(),
});

/** What a request-access button carries, signed: whose incidents, which, and what was searched. */
export const AccessAsk = z.object({ owner: z.string().min(1).max(60), references: z.array(z.string()).min(1).max(50), what: z.string().min(1).max(120) });
export type AccessAsk = z.infer<typeof AccessAsk>;

/**
 * The search card, empty (the `search` command with nothing after it, or the help card), or again with what was
 * typed and each problem beside its field: `q` under the search box, `dates` under the From/To dates.
 */
export function searchForm(errors: { q?: string; dates?: string } = {}, values: { q?: string; from?: string; to?: string } = {}): AdaptiveCard {
  return incidentSearchCard({
    title: 'Search incidents',
    subtitle: `${SEARCH_HELP} You see the incidents your organisation may open; for others, only which organisations hold them, and you can ask them for access.`,
    q: values.q ?? '',
    from: values.from ?? '',
    to: values.to ?? '',
    error: errors.q ?? '',
    datesError: errors.dates ?? '',
    rows: [],
    buttons: [{ title: 'Search', verb: SEARCH_VERBS.search, data: {} }],
  });
}

/**
 * `search <what>` or the search card: one page of what the caller may see,
 * read as one range query of one IncidentFinder partition (at most
 * SEARCH_PAGE_SIZE rows), the access rule applied to every row on every page.
 * For incidents the caller may not open, only which organisations hold them,
 * with a button to ask each for access.
 */
export async function searchIncidents(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const caller = req.caller;
  if (!registered(caller)) return notRegisteredCard();
  const input = SearchInput.safeParse(data && typeof data === 'object' ? data : {});
  const values = input.success ? input.data : { q: '', from: '', to: '' };
  const now = ctx.clock();
  const secret = ctx.config.referenceHashKey;

  let query: SearchQuery;
  let continuation: string | undefined;
  const resumed = input.success && input.data.more ? verifyPageToken(secret, input.data.more, caller.aadObjectId, SearchQuery, now) : undefined;
  if (resumed && !resumed.ok) await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id }, `action:${SEARCH_VERBS.search}`, 'search', resumed.reason);
  if (resumed?.ok) {
    query = resumed.query;
    continuation = resumed.continuation;
  } else {
    const parsed = parseSearch({ text: values.q, from: values.from || undefined, to: values.to || undefined }, now);
    if (!parsed.ok) return searchForm(resumed ? { q: 'That search had expired; search again.' } : { [parsed.field]: parsed.message }, values);
    query = parsed.query;
  }

  const viewer: Viewer = { member: caller.member, organisation: caller.organisation };
  const mayOpen = (r: Pick<FinderRow, 'reporterOrg' | 'sharedWith'>) =>
    decideAccess(viewer, { reporterOrganisationId: r.reporterOrg, sharedWith: r.sharedWith }).level === 'details';
  const what = describeQuery(query);
  const nameOf = async () => {
    const names = await organisationNames(ctx, caller);
    return (id: string) => names.get(id) ?? id;
  };

  if (query.kind === 'reference') {
    // Two point reads decide it (the reference's index row names the incident's partition, then its row); only
    // someone who may open it pays for the view, which is handed the record rather than reading it again.
    const opened = await openIncident(ctx, query.reference);
    if (!opened) return searchForm({ q: `No incident ${query.reference}. Check the reference.` }, values);
    const r = opened.record;
    // The incident view decides and audits access itself (consultation or refusal).
    if (mayOpen({ reporterOrg: r.reporter.organisationId, sharedWith: r.sharedWith })) return showIncident(ctx, { ...req, caller }, opened);
    // Refused (the view would log it too): who holds it is all the answer says, and the look is logged on the incident.
    const decision = decideAccess(viewer, { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });
    await auditIncident(ctx, {
      action: 'refusal',
      actor: { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id },
      reference: r.reference,
      note: `search by reference refused: ${decision.level === 'details' ? 'not shared' : decision.reason}; told only which organisation holds it`,
    });
    return results(ctx, { caller: caller.aadObjectId, query, values, what, visible: [], hidden: [{ reporterOrg: r.reporter.organisationId, reference: r.reference }], nameOf: await nameOf(), now });
  }

  const range = await rangeOf(ctx, query);
  let key: string;
  let filters: { district?: string } = {};
  let keep: (r: FinderRow) => boolean = () => true;
  switch (query.kind) {
    case 'police':
      key = finderKey.police(query.normalised);
      break;
    case 'dates':
      // Dates alone: the caller's organisation's reports. Reported after it happened, so the reported-time range is a superset.
      key = finderKey.reportedBy(caller.organisation.id);
      keep = (r) => (!range.since || Date.parse(r.occurredAt) >= range.since.getTime()) && (!range.until || Date.parse(r.occurredAt) <= range.until.getTime());
      break;
    case 'place': {
      const words = [...query.words].sort((a, b) => b.length - a.length);
      // The longest word is the rarest in practice: its partition is read; the other words are checked on each row.
      // With a district, the word's partition within that district: one partition, however common the word is
      // elsewhere. Until the one-off pass has indexed incidents stored before those partitions existed
      // (bot/search/backfill.ts), the word's partition filtered by district in the service: complete, not bounded.
      key = words[0] ? finderKey.word(words[0]) : finderKey.district(query.district!);
      if (words[0] && query.district) {
        if (await finderMarked(ctx, 'wordInDistrict')) key = finderKey.wordInDistrict(words[0], query.district);
        else filters = { district: query.district };
      }
      const rest = words.slice(1);
      keep = (r) => rest.every((w) => placeWords(r.area).includes(w));
      break;
    }
  }
  const page = await finderPage(ctx, key, {
    ...(query.kind === 'dates' ? { since: range.since } : range),
    filters,
    size: SEARCH_PAGE_SIZE,
    continuation,
  });
  const rows = page.rows.filter(keep);
  const more = page.next ? signPageToken(secret, { user: caller.aadObjectId, query, continuation: page.next }, now) : undefined;
  return results(ctx, {
    caller: caller.aadObjectId,
    query,
    values,
    what,
    visible: rows.filter(mayOpen),
    hidden: rows.filter((r) => !mayOpen(r)).map((r) => ({ reporterOrg: r.reporterOrg, reference: r.reference })),
    nameOf: await nameOf(),
    now,
    more,
    continued: continuation !== undefined,
  });
}

/** London calendar days to instants: from the start of `from` to the end of `to`. */
async function rangeOf(ctx: AppContext, q: SearchQuery): Promise<{ since?: Date; until?: Date }> {
  if (q.kind !== 'place' && q.kind !== 'dates') return {};
  const at = (day: string | undefined, time: string) => {
    if (!day) return undefined;
    const r = fromWallClock(day, time, ctx.config.timeZone);
    return r.ok ? r.instant : undefined;
  };
  const since = at(q.from, '00:00');
  const until = at(q.to, '23:59:59');
  return { ...(since ? { since } : {}), ...(until ? { until } : {}) };
}

function results(
  ctx: AppContext,
  r: {
    caller: string;
    query: SearchQuery;
    values: { q: string; from: string; to: string };
    what: string;
    visible: FinderRow[];
    hidden: { reporterOrg: string; reference: string }[];
    nameOf: (id: string) => string;
    now: Date;
    more?: string;
    continued?: boolean;
  },
): AdaptiveCard {
  const tz = ctx.config.timeZone;
  const byOrg = new Map<string, string[]>();
  for (const h of r.hidden) byOrg.set(h.reporterOrg, [...(byOrg.get(h.reporterOrg) ?? []), h.reference]);
  // Which organisations, by name: never how many incidents each holds, nor an order that would say which holds more.
  const owners = [...byOrg.entries()].sort((a, b) => r.nameOf(a[0]).localeCompare(r.nameOf(b[0])));
  const heldElsewhere =
    owners.length === 0
      ? ''
      : `${r.visible.length ? 'Also held' : 'Held'} by ${owners.length === 1 ? 'an organisation that has' : 'organisations that have'} not shared ${r.query.kind === 'reference' ? 'it' : 'them'} with yours: ` +
        owners.map(([org]) => `**${r.nameOf(org)}**`).join(', ') +
        (owners.length === 1
          ? `. Ask ${r.nameOf(owners[0]![0])} for access: its approver decides, and you are told here.`
          : '. Ask an organisation for access: its approver decides, and you are told here.');
  const asks: Button[] = owners.slice(0, MAX_REQUEST_BUTTONS).map(([org, refs]) => ({
    title: `Ask ${r.nameOf(org)}`.slice(0, 40),
    verb: SEARCH_VERBS.accessRequest,
    data: {
      ask: signPageToken(ctx.config.referenceHashKey, { user: r.caller, query: { owner: org, references: refs.slice(0, 50), what: r.what.slice(0, 120) } satisfies AccessAsk, continuation: 'ask' }, r.now),
    },
  }));
  const total = r.visible.length + r.hidden.length;
  return incidentSearchCard({
    title: 'Search incidents',
    subtitle: r.what,
    q: r.values.q,
    from: r.values.from,
    to: r.values.to,
    resultsHeading:
      total === 0
        ? r.continued ? 'No more incidents found.' : 'No incidents found.'
        : `${r.visible.length === 0 ? 'None' : r.visible.length} you can open${r.continued ? ' (continued)' : ''}${r.visible.length > 0 ? ': select one to see its details' : ''}`,
    rows: r.visible.map((f) => ({
      reference: f.reference,
      heading: `${f.reference} · ${CATEGORY_LABELS[f.category]}`,
      line: `${formatInstant(f.occurredAt, tz, 'weekdayDateTime')} · ${f.area ? `${f.area}, ` : ''}${boroughById(f.borough).name} ${f.postcodeDistrict} · ${RISK_GUIDANCE[f.risk].label} risk${f.anonymised ? ' · anonymised' : ''}`,
    })),
    heldElsewhere,
    // Finder rows are newest first (bot/search/rules/keys.ts): the next page holds older incidents.
    pageText: r.more ? 'Newest first. More searches on for older incidents.' : '',
    buttons: [
      { title: 'Search', verb: SEARCH_VERBS.search, data: {} },
      ...(r.more ? [{ title: 'More', verb: SEARCH_VERBS.search, data: { more: r.more } }] : []),
      ...asks,
    ],
  });
}
