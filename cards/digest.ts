import { TONE_COLOR } from './format';
import { boroughById, type BoroughId } from '../bot/common/borough';
import { CATEGORY_LABELS, type IncidentCategory } from '../bot/common/taxonomy';
import { Button, buttonsOf } from './incidentCommon';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/digest.json';

/**
 * The weekly digest of one theme: the trend chart first, then the figures.
 * Everything on it is a count or a place (postcode district and area): no
 * names, no incident text, no addresses, so it may go to a channel.
 * Rows open the list behind them (`incidents.list`, access-checked for
 * whoever taps).
 */
/** A count this week against the week before and the four-week average (the digest rules' figures). */
export interface DigestChange {
  thisWeek: number;
  previous: number;
  average4: number;
  /** thisWeek - previous. */
  change: number;
  /** Against the week before; absent when that was 0. */
  changePct?: number;
}

/** The week's figures as the card shows them: counts and places, operations and outcomes already in words. */
export interface DigestCardFigures {
  theme: { name: string };
  /** ISO week, "2026-W12". */
  week: string;
  total: DigestChange;
  byCategory: (DigestChange & { category: IncidentCategory })[];
  byBorough: (DigestChange & { borough: BoroughId })[];
  trend: { week: string; count: number }[];
  highRisk: { thisWeek: number; previous: number };
  hotspots: { borough: BoroughId; district: string; area: string; count: number }[];
  alerts: { raised: number; expected: number; acknowledged: number; sharePct?: number };
  operations: {
    completed: number;
    awaitingOutcomes: number;
    /** Outcome totals in their usual order, e.g. { label: 'Arrests', count: 3 }. */
    outcomes: { label: string; count: number }[];
    /** What comes up next, soonest first; `startsAt` as people in the configured zone read it. */
    upcoming: { typeLabel: string; borough: BoroughId; area: string; startsAt: string }[];
  };
  priorityChanges: { borough: BoroughId; version: number; added: string[]; removed: string[]; reworded: string[] }[];
}

export interface DigestCardInput {
  figures: DigestCardFigures;
  boroughs: readonly BoroughId[];
  /** "26 Oct – 1 Nov 2026". */
  periodText: string;
  /** The zone weeks are counted in, in words ("UK time"). */
  timeZoneLabel: string;
  /** A preview of the week so far, not the weekly delivery. */
  preview: boolean;
  /** Days the incident list buttons look back (the list filters by days, not weeks). */
  listDays: 7 | 30 | 90;
  /** Incident categories mapped to the theme (none: the theme has no incident figures). */
  mappedCategories: number;
  buttons: Button[];
}

const BAR = '▇';

/** The smallest weekly peak for which the chart's automatic axis ticks are whole numbers. */
export const CHART_MIN_PEAK = 4;

export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '0';
}

/** "▲ 13 (+12%)", "▼ 5 (−20%)", "no change", "▲ 4 (new)". */
export function changeText(c: Pick<DigestChange, 'change' | 'changePct'>): string {
  if (c.change === 0) return 'no change';
  const arrow = c.change > 0 ? '▲' : '▼';
  const pct = c.changePct === undefined ? 'new' : `${signed(c.changePct)}%`;
  return `${arrow} ${Math.abs(c.change)} (${pct})`;
}

const shortChange = (c: DigestChange) => (c.change === 0 ? '=' : `${c.change > 0 ? '▲' : '▼'}${Math.abs(c.change)}`);
// A rise is marked (Attention); a fall reads in the default colour: the arrow says which (cards/format.ts TONE_COLOR).
const changeColor = (c: DigestChange) => (c.change > 0 ? TONE_COLOR.attention : TONE_COLOR.default);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function digestCard(input: DigestCardInput): AdaptiveCard {
  const f = input.figures;
  const single = input.boroughs.length === 1 ? input.boroughs[0] : undefined;
  const listData = (extra: Record<string, string>) => ({
    verb: 'incidents.list',
    borough: single ?? 'all',
    category: 'all',
    days: String(input.listDays),
    page: 0,
    ...extra,
  });
  const weekNo = f.week.slice(5);
  const max = Math.max(1, ...f.trend.map((t) => t.count));
  const hasFigures = input.mappedCategories > 0;
  const peak = Math.max(0, ...f.trend.map((t) => t.count));
  // Teams draws the chart's axis with about four or five ticks of its own choosing and no setting for them:
  // below a peak of CHART_MIN_PEAK they fall between whole numbers (0.25 incidents; 2.50e-5 when all are zero).
  // Then the weeks show only as the text line below it, and five empty weeks as one sentence.
  const showChart = hasFigures && peak >= CHART_MIN_PEAK;

  const facts = [
    { title: 'High risk', value: `${f.highRisk.thisWeek} (week before: ${f.highRisk.previous})` },
    {
      title: 'Alerts',
      value:
        f.alerts.raised === 0
          ? 'none raised'
          : `${plural(f.alerts.raised, 'raised', 'raised')} · ${f.alerts.sharePct ?? 0}% acknowledged (${f.alerts.acknowledged} of ${f.alerts.expected})`,
    },
    {
      title: 'Joint operations',
      value:
        f.operations.completed === 0
          ? 'none completed'
          : `${f.operations.completed} completed${f.operations.awaitingOutcomes ? ` (${f.operations.awaitingOutcomes} awaiting outcomes)` : ''}`,
    },
  ];
  const totals = f.operations.outcomes.filter((o) => o.count > 0).map((o) => `${o.count} ${o.label.toLowerCase()}`);
  if (totals.length) facts.push({ title: 'Outcomes', value: totals.join(', ') });

  const boroughNames = input.boroughs.map((b) => boroughById(b).name).join(', ');
  return expandTemplate(template, {
    marking: 'OFFICIAL · figures only: no names, addresses or incident text',
    title: `${input.preview ? 'Digest preview' : 'Weekly digest'} · ${f.theme.name}`,
    subtitle: `Week ${Number(weekNo.slice(1))} · ${input.periodText} · ${boroughNames}`,
    previewNote: input.preview ? 'The week so far: figures will change until it ends. Your weekly digest covers the whole week.' : '',
    headline: hasFigures
      ? `**${plural(f.total.thisWeek, 'incident')}** · ${changeText(f.total)} on the week before · 4-week average ${f.total.average4}`
      : 'No incident categories are mapped to this theme.',
    showChart,
    showTrendText: hasFigures && peak > 0,
    chart: {
      title: 'Incidents per week',
      xAxisTitle: 'ISO week',
      yAxisTitle: 'Incidents',
      data: f.trend.map((t) => ({ x: t.week.slice(5), y: t.count })),
    },
    // The chart's figures in words too: iOS Teams renders no chart (and no fallback), and screen readers read text.
    trendText: `Incidents per week: ${f.trend.map((t) => `${t.week.slice(5)} ${t.count}`).join(' · ')}`,
    trendRows: f.trend.map((t, i) => ({
      week: t.week.slice(5),
      count: String(t.count),
      bar: t.count === 0 ? '·' : BAR.repeat(Math.max(1, Math.round((t.count / max) * 5))),
      weight: i === f.trend.length - 1 ? 'Bolder' : 'Default',
    })),
    noIncidentsText: hasFigures && f.total.thisWeek + f.total.previous + f.total.average4 === 0 ? 'No incidents in these five weeks.' : '',
    categories: f.byCategory.map((c) => ({
      label: CATEGORY_LABELS[c.category].replace('Anti-social behaviour', 'ASB'),
      count: String(c.thisWeek),
      change: shortChange(c),
      changeColor: changeColor(c),
      average: `avg ${c.average4}`,
      data: listData({ category: c.category }),
    })),
    boroughs: hasFigures && input.boroughs.length > 1
      ? f.byBorough.map((b) => ({
          label: boroughById(b.borough).name,
          count: String(b.thisWeek),
          change: shortChange(b),
          changeColor: changeColor(b),
          average: `avg ${b.average4}`,
          data: listData({ borough: b.borough }),
        }))
      : [],
    hotspots: f.hotspots.map((h) => ({
      text: `**${h.count}** · ${h.district}${h.area ? ` ${h.area}` : ''} (${boroughById(h.borough).name})`,
    })),
    facts,
    upcoming: f.operations.upcoming.slice(0, 3).map((o) => ({
      text: `${o.typeLabel} · ${boroughById(o.borough).name}, ${o.area} · ${o.startsAt}`,
    })),
    priorities: f.priorityChanges.slice(0, 4).map((p) => ({
      text: `${boroughById(p.borough).name} v${p.version}: ${[
        ...p.added.map((t) => `added ${t}`),
        ...p.removed.map((t) => `removed ${t}`),
        ...p.reworded.map((t) => `updated ${t}`),
      ].join('; ')}`,
    })),
    footnote: `Tap a row for the list behind it: you see your own organisation's reports. Weeks run Monday to Sunday, ${input.timeZoneLabel}.`,
    buttons: buttonsOf(input.buttons),
  });
}
