import { z } from 'zod';
import type { AppContext } from '../context';
import { BOROUGHS, BoroughId, boroughById, findBorough } from '../domain/borough';
import { CATEGORY_LABELS, IncidentCategory } from '../domain/taxonomy';
import { RISK_GUIDANCE } from '../domain/incidentRedaction';
import { incidentListCard } from '../../cards/incidentList';
import type { AdaptiveCard } from '../../cards/render';
import type { IncidentRecord } from './model';
import { categoryLabel, formatLocal } from './present';
import { notRegisteredCard } from './reportForm';
import { incidentsReportedBy } from './repository';
import { registered, type IncidentRequest } from './request';

/** `incidents`: the caller's organisation's recent reports, filtered and paged. Only references and categories: no free text. */

export const PAGE_SIZE = 8;
export const DAY_OPTIONS = ['7', '30', '90'] as const;

export const ListFilters = z.object({
  borough: z.union([BoroughId, z.literal('all')]).default('all'),
  category: z.union([IncidentCategory, z.literal('all')]).default('all'),
  days: z.coerce.number().int().min(1).max(90).default(30),
  page: z.coerce.number().int().min(0).max(1000).default(0),
});
export type ListFilters = z.infer<typeof ListFilters>;

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

/** Filters from the list card's inputs and paging buttons; anything unreadable falls back to its default. */
export function filtersFromCard(data: unknown): ListFilters {
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
    page: pick(ListFilters.shape.page, d.page, defaults.page),
  };
}

export async function listIncidents(ctx: AppContext, req: IncidentRequest, filters: ListFilters): Promise<AdaptiveCard> {
  const caller = req.caller;
  if (!registered(caller)) return notRegisteredCard();
  const org = caller.organisation;
  const now = ctx.clock();
  const since = new Date(now.getTime() - filters.days * 86_400_000);
  const boroughs = filters.borough === 'all' ? BOROUGHS.map((b) => b.id) : [filters.borough];
  const found = (await Promise.all(boroughs.map((b) => incidentsReportedBy(ctx, org.id, b, since, now))))
    .flat()
    .filter((r) => Date.parse(r.reportedAt) >= since.getTime())
    .filter((r) => filters.category === 'all' || r.category === filters.category)
    .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || b.reference.localeCompare(a.reference));

  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  const page = Math.min(filters.page, pages - 1);
  const shown = found.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const tz = ctx.config.timeZone;
  const keep = { borough: filters.borough, category: filters.category, days: String(filters.days) };
  const row = (r: IncidentRecord) => ({
    reference: r.reference,
    heading: `${r.reference} · ${categoryLabel(r)}`,
    line: `${formatLocal(r.occurredAt, tz)} · ${boroughById(r.borough).name} ${r.postcodeDistrict} · ${RISK_GUIDANCE[r.risk].label} risk${r.anonymisedAt ? ' · anonymised' : ''}`,
  });

  return incidentListCard({
    title: `Incidents reported by ${org.name}`,
    subtitle: `Reported in the last ${filters.days} days${filters.borough === 'all' ? '' : ` · ${boroughById(filters.borough).name}`}${filters.category === 'all' ? '' : ` · ${CATEGORY_LABELS[filters.category]}`}. Select one to open it.`,
    filters: keep,
    choices: {
      borough: [{ title: 'All boroughs', value: 'all' }, ...BOROUGHS.map((b) => ({ title: b.name, value: b.id }))],
      category: [{ title: 'All categories', value: 'all' }, ...IncidentCategory.options.map((c) => ({ title: CATEGORY_LABELS[c], value: c }))],
      days: DAY_OPTIONS.map((d) => ({ title: `Last ${d} days`, value: d })),
    },
    rows: shown.map(row),
    emptyText: 'No incidents match. Change the filters, or type **report** to report one.',
    pageText: found.length === 0 ? '' : `Page ${page + 1} of ${pages} · ${found.length} incident${found.length === 1 ? '' : 's'}`,
    buttons: [
      { title: 'Apply filters', verb: 'incidents.list', data: { page: 0 } },
      ...(page > 0 ? [{ title: 'Previous', verb: 'incidents.list', data: { page: page - 1 } }] : []),
      ...(page < pages - 1 ? [{ title: 'Next', verb: 'incidents.list', data: { page: page + 1 } }] : []),
    ],
  });
}
