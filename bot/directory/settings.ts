import type { AppContext } from '../kernel/context';
import { HotspotSettings } from '../warnings/rules/hotspots';
import { loadDirectory } from './repository';

/**
 * The hotspot rules in force: the partnership file's (its rule set, and each
 * borough's local changes over HOTSPOT_RULES), or the configuration's alone
 * while the store has no directory yet.
 */
export async function hotspotSettingsOf(ctx: Pick<AppContext, 'store' | 'config'>): Promise<HotspotSettings> {
  const d = await loadDirectory(ctx);
  if (d.version === 0) return ctx.config.hotspots;
  const boroughs: HotspotSettings['boroughs'] = { ...ctx.config.hotspots.boroughs };
  for (const b of d.boroughs) if (Object.keys(b.hotspots).length) boroughs[b.id] = { ...boroughs[b.id], ...b.hotspots };
  return HotspotSettings.parse({ rules: d.settings.hotspotRules ?? ctx.config.hotspots.rules, boroughs });
}

/**
 * How many months incidents (and every copy of their details) are kept: the
 * applied partnership file's `settings.incidentRetentionMonths`, or
 * INCIDENT_RETENTION_MONTHS when the file leaves it out or no directory has
 * been applied yet. Read afresh by each retention run, so a newly applied
 * file is in force from the next night.
 */
export async function incidentRetentionMonthsOf(ctx: Pick<AppContext, 'store' | 'config'>): Promise<number> {
  const d = await loadDirectory(ctx);
  return (d.version === 0 ? undefined : d.settings.incidentRetentionMonths) ?? ctx.config.retention.incidentMonths;
}
