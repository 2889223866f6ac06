import { z } from 'zod';
import { formatInstant } from '../common/dates';
import type { AppContext } from '../kernel/context';
import { BOROUGHS, BoroughId, boroughById, findBorough } from '../common/borough';
import { CATEGORY_LABELS, IncidentCategory } from '../common/taxonomy';
import { RISK_GUIDANCE } from './rules/incidentRedaction';
import { incidentListCard } from '../../cards/incidentList';
import type { AdaptiveCard } from '../../cards/render';
import { notRegisteredCard } from './reportForm';
import { registered, type IncidentRequest } from './request';
import type { FinderRow } from '../search/model';
import { finderPage } from '../search/repository';
import { finderKey } from '../search/rules/keys';
import { signPageToken, verifyPageToken } from '../search/rules/pageToken';
import { INCIDENT_VERBS } from './verbs';
import { auditPageTokenRefusal } from '../conversation/refusalAudit';

/** `incidents`: the caller's organisation's recent reports, filtered and paged. Only references and categories: no free text. */

export const PAGE_SIZE = 8;
export const DAY_OPTIONS = ['7', '30', '90'] as const;

export const ListFilters = z.object({
  borough: z.union([BoroughId, z.literal('all')]).default('all'),
  category: z.union([IncidentCategory, z.literal('all')]).default('all'),
  days: z.coerce.number().int().min(1).max(90).default(30),
});
export type ListFilters = z.infer<typeof ListFilters>;

/** What a "More" token pages: the filters and the moment the first page was read, so later pages continue the same list. */
const ListPage = ListFilters.extend({ list: z.literal('reported'), since: z.string().datetime(), until: z.string().datetime() });

/** "incidents stockport burglary 7" (any order): a borough, a category and a number of days. */
export function parseListArgs(args: string): ListFilters {
  const out: Partial<Record<'borough' | 'category' | 'days', string | number>> = {};
  for (const word of args.toLowerCase().split(/\s+/).filter(Boolean)) {
    const borough = findBorough(word);
    if (borough) out.borough = borough.id;
    else if (IncidentCategory.options.includes(word as IncidentCategory)) out.category = word;
    else if (/^\d{1,2}d?$/.test(word)) out.days = Number.parseInt(word, 10);
  }
  return ListFilters.catch(ListFilters.parse({})).parse(out);
}

/** Filters from the list card's inputs; anything unreadable falls back to its default. `more`: the signed token of the "More" button. */
export function filtersFromCard(data: unknown): ListFilters & { more?: string } {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const pick = <T>(schema: z.ZodTypeAny, v: unknown, fallback: T): T => {
    const r = schema.safeParse(v);
    return r.success && r.data !== undefined ? (r.data as T) : fallback;
  };
  const defaults = ListFilters.parse({});
  return {
    borough: pick(ListFilters.shape.borough, d.borough, defaults.borough),
    category: pick(ListFilters.shape.category, d.category, defaults.category),
    days: pick(ListFilters.shape.days, d.days, defaults.days),
    ...(typeof d.more === 'string' ? { more: d.more } : {}),
  };
}

/**
 * One page of the incidents the caller's organisation reported, newest first:
 * one range read of its IncidentFinder partition (bot/search/), filtered on
 * the copied columns, at most PAGE_SIZE rows. "More" carries the storage
 * continuation in a signed token bound to the caller.
 */
export async function listIncidents(ctx: AppContext, req: IncidentRequest, input: ListFilters & { more?: string }): Promise<AdaptiveCard> {
  const caller = req.caller;
  if (!registered(caller)) return notRegisteredCard();
  const org = caller.organisation;
  const now = ctx.clock();
  let page: z.infer<typeof ListPage>;
  let continuation: string | undefined;
  let expired = '';
  const resumed = input.more ? verifyPageToken(ctx.config.referenceHashKey, input.more, caller.aadObjectId, ListPage, now) : undefined;
  if (resumed?.ok) {
    page = resumed.query;
    continuation = resumed.continuation;
  } else {
    if (resumed) {
      expired = 'That list was out of date, so here is its first page again. ';
      await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: org.id }, `action:${INCIDENT_VERBS.list}`, 'incidents', resumed.reason);
    }
    page = { ...input, list: 'reported', since: new Date(now.getTime() - input.days * 86_400_000).toISOString(), until: now.toISOString() };
  }
  const found = await finderPage(ctx, finderKey.reportedBy(org.id), {
    since: new Date(page.since),
    size: PAGE_SIZE,
    continuation,
    filters: { ...(page.borough === 'all' ? {} : { borough: page.borough }), ...(page.category === 'all' ? {} : { category: page.category }) },
  });
  const tz = ctx.config.timeZone;
  const keep = { borough: page.borough, category: page.category, days: String(page.days) };
  const row = (r: FinderRow) => ({
    reference: r.reference,
    heading: `${r.reference} · ${CATEGORY_LABELS[r.category]}`,
    line: `${formatInstant(r.occurredAt, tz, 'weekdayDateTime')} · ${boroughById(r.borough).name} ${r.postcodeDistrict} · ${RISK_GUIDANCE[r.risk].label} risk${r.anonymised ? ' · anonymised' : ''}`,
  });
  const more = found.next ? signPageToken(ctx.config.referenceHashKey, { user: caller.aadObjectId, query: page, continuation: found.next }, now) : undefined;

  return incidentListCard({
    title: `Incidents reported by ${org.name}`,
    subtitle: `${expired}Reported in the last ${page.days} days${page.borough === 'all' ? '' : ` · ${boroughById(page.borough).name}`}${page.category === 'all' ? '' : ` · ${CATEGORY_LABELS[page.category]}`}, newest first. Select one to open it.`,
    filters: keep,
    choices: {
      borough: [{ title: 'All boroughs', value: 'all' }, ...BOROUGHS.map((b) => ({ title: b.name, value: b.id }))],
      category: [{ title: 'All categories', value: 'all' }, ...IncidentCategory.options.map((c) => ({ title: CATEGORY_LABELS[c], value: c }))],
      days: DAY_OPTIONS.map((d) => ({ title: `Last ${d} days`, value: d })),
    },
    rows: found.rows.map(row),
    emptyText: continuation ? 'No more incidents match.' : 'No incidents match. Change the filters, or type **report** to report one.',
    pageText: found.rows.length === 0 ? '' : `${continuation ? 'More: ' : ''}${found.rows.length} incident${found.rows.length === 1 ? '' : 's'}${more ? ', and more to come: More shows older ones.' : '.'}`,
    buttons: [
      { title: 'Apply filters', verb: INCIDENT_VERBS.list, data: {} },
      ...(more ? [{ title: 'More', verb: INCIDENT_VERBS.list, data: { more } }] : []),
    ],
  });
}
