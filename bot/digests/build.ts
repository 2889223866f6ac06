import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import { TREND_WEEKS, themeDigestFigures, type ThemeDigestFigures, type WeekStats } from './rules/digest';
import { addDays, weekBounds, weekLabel } from './rules/digestSchedule';
import { categoriesOfTheme } from './rules/digestThemes';
import { digestCard } from '../../cards/digest';
import { timeZoneLabel } from '../common/dates';
import { digestCardFigures, periodText } from './views';
import type { Button } from '../../cards/incidentCommon';
import type { AdaptiveCard } from '../../cards/render';
import { DigestSources } from './sources';
import { OPERATION_VERBS } from '../operations/verbs';
import { INCIDENT_VERBS } from '../incidents/verbs';
import { DIGEST_VERBS } from './verbs';
import { ALERT_VERBS } from '../alerts/verbs';

export interface DigestRequest {
  themeId: string;
  boroughs: readonly BoroughId[];
  /** The Monday (local calendar date) of the week reported. */
  weekMonday: string;
  /** The week so far (`digest now`) rather than the weekly delivery. */
  preview: boolean;
  /** The figures run up to here when the week has not ended (a Friday to Sunday slot); a preview runs up to now. */
  upTo?: Date;
  timeZone: string;
  /** Extra buttons (after the standard ones); at most 6 show in Teams. */
  extraButtons?: Button[];
}

export interface BuiltDigest {
  figures: ThemeDigestFigures;
  card: AdaptiveCard;
}

const UPCOMING_DAYS = 7;

/**
 * One theme's digest for a set of boroughs and a week: the figures
 * (domain/digest.ts) from five weeks of borough stats, the week's alerts,
 * joint operations and priority changes, then the card. Reads go through
 * `sources`, so digests built in one run share them.
 */
export async function buildThemeDigest(ctx: AppContext, sources: DigestSources, req: DigestRequest): Promise<BuiltDigest | undefined> {
  const theme = (await sources.themes()).find((t) => t.id === req.themeId);
  if (!theme) return undefined;
  const now = ctx.clock();
  const mondays = Array.from({ length: TREND_WEEKS }, (_, i) => addDays(req.weekMonday, -7 * (TREND_WEEKS - 1 - i)));
  const weeks = mondays.map(weekLabel);
  const period = weekBounds(req.weekMonday, req.timeZone);

  const statsByKey = new Map<string, WeekStats>();
  await Promise.all(
    req.boroughs.flatMap((b) =>
      weeks.map(async (w) => {
        statsByKey.set(`${b}-${w}`, await sources.weekStats(b, w));
      }),
    ),
  );
  // An operation counts as completed only once it has ended: never after now, nor after the slot for a week still running.
  const until = new Date(Math.min(period.to.getTime(), now.getTime(), req.upTo?.getTime() ?? Infinity));
  const upcomingFrom = req.preview || now > period.to ? now : period.to;
  const [alerts, completed, upcoming, priorities] = await Promise.all([
    sources.alertsSince(period.from),
    sources.jointActions({ boroughs: req.boroughs, from: period.from, to: until, upcomingUntil: until }),
    sources.jointActions({
      boroughs: req.boroughs,
      from: upcomingFrom,
      to: upcomingFrom,
      upcomingUntil: new Date(upcomingFrom.getTime() + UPCOMING_DAYS * 86_400_000),
    }),
    Promise.all(req.boroughs.map((b) => sources.priorities(b))),
  ]);

  const categories = categoriesOfTheme(theme.id);
  const figures = themeDigestFigures({
    theme: { id: theme.id, name: theme.name },
    categories,
    boroughs: req.boroughs,
    weeks,
    stats: (b, i) => statsByKey.get(`${b}-${weeks[i]}`)!,
    period,
    alerts,
    operations: { ...completed, upcoming: upcoming.upcoming },
    priorities: priorities.flat(),
  });

  // The incident list filters by days back from now: enough days to cover the reported week.
  const daysBack = (now.getTime() - period.from.getTime()) / 86_400_000;
  const listDays = daysBack <= 7 ? 7 : daysBack <= 30 ? 30 : 90;
  const single = req.boroughs.length === 1 ? req.boroughs[0]! : 'all';
  const buttons: Button[] = [
    { title: "Your organisation's reports", verb: INCIDENT_VERBS.list, data: { borough: single, category: 'all', days: String(listDays), page: 0 } },
    { title: 'Alerts', verb: ALERT_VERBS.list },
    { title: 'Joint operations', verb: OPERATION_VERBS.list },
    { title: 'Digest settings', verb: DIGEST_VERBS.settings },
    ...(req.extraButtons ?? []),
  ].slice(0, 6);
  const card = digestCard({
    figures: digestCardFigures(figures, req.timeZone),
    boroughs: req.boroughs,
    periodText: periodText(req.weekMonday, addDays(req.weekMonday, 6), req.timeZone, !req.preview && req.upTo && req.upTo < period.to ? req.upTo : undefined),
    timeZoneLabel: timeZoneLabel(req.timeZone),
    preview: req.preview,
    listDays,
    mappedCategories: categories.length,
    buttons,
  });
  return { figures, card };
}
