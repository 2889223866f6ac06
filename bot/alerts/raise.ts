import { z } from 'zod';
import { quoteForCard } from '../common/plainText';
import { channelsFor } from '../channels/lookup';
import type { AppContext } from '../kernel/context';
import { Alert, AlertSeverity } from './model';
import { BoroughId } from '../common/borough';
import { ProtectiveMarking } from '../common/common';
import { broadcastText } from '../common/plainText';
import { stableId } from '../common/stableId';
import { enqueue } from '../outbox/enqueue';
import { toAlertChannels } from './channels';
import type { AlertRecord } from './model';
import { renderAlertCard } from './views';
import { findAlert, listAlert, recordDeliveries, storeAlert } from './repository';
import { allOrganisations, themeById } from '../referenceData';

const cleanText = (max: number, what: string) => broadcastText(max, `Write ${what}`).refine((t) => t.length > 0, `Write ${what}`);

/** An alert as a person or a partner system submits it. Shared by the card and POST /api/alerts. */
export const AlertInput = z.object({
  severity: AlertSeverity,
  boroughs: z.array(BoroughId, { invalid_type_error: 'Choose boroughs from the list' }).min(1, 'Choose at least one borough').max(10),
  themeId: z.string().min(1, 'Choose a theme'),
  title: cleanText(120, 'a headline').refine((t) => t.length >= 5, 'A headline of at least 5 characters'),
  body: cleanText(2000, 'what partners need to know'),
  expiresInDays: z.number().int().min(1, 'At least 1 day').max(30, 'At most 30 days'),
  marking: ProtectiveMarking.default('OFFICIAL'),
});
export type AlertInput = z.infer<typeof AlertInput>;

export type RaiseResult =
  | { ok: true; record: AlertRecord; duplicate: boolean; channels: number }
  | { ok: false; field: 'themeId'; message: string };

/**
 * Stores the alert, then fans it out through the outbox to every mapped
 * channel of its boroughs. Idempotent by alert id: a retry re-enqueues
 * (itself idempotent) so a crash between storing and enqueueing loses nothing.
 */
export async function raiseAlert(
  ctx: AppContext,
  request: { alertId: string; source: 'card' | 'api'; organisationId: string; displayName: string; input: AlertInput },
): Promise<RaiseResult> {
  const { input } = request;
  const theme = await themeById(ctx, input.themeId);
  // A retired theme still names old alerts, but no new one is raised under it.
  if (!theme || theme.retiredAt) return { ok: false, field: 'themeId', message: `There is no theme ${quoteForCard(input.themeId, 40, 'of that name')}` };

  const existing = await findAlert(ctx, request.alertId);
  let record = existing;
  if (!record) {
    const now = ctx.clock();
    const alert = Alert.parse({
      id: request.alertId,
      severity: input.severity,
      boroughs: [...new Set(input.boroughs)],
      themeId: input.themeId,
      title: input.title,
      body: input.body,
      raisedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
      raisedBy: { organisationId: request.organisationId, displayName: request.displayName },
      marking: input.marking,
    });
    const channels = new Map<string, Awaited<ReturnType<typeof channelsFor>>[number]>();
    for (const b of alert.boroughs) for (const c of await channelsFor(ctx, b, alert.themeId)) channels.set(c.conversationId, c);
    const organisations = await allOrganisations(ctx);
    const expected = organisations
      .filter((o) => o.id !== request.organisationId && o.kind !== 'other' && o.boroughs.some((b) => alert.boroughs.includes(b)))
      .map((o) => o.id);
    // The channels and the listing first, a row each (idempotent), then the alert: a retry after a crash finds them
    // all. A listing whose alert was never stored is skipped by the list.
    await listAlert(ctx, alert);
    const deliveries = [...channels.values()].map((c) => ({ alertId: alert.id, conversationId: c.conversationId, itemId: stableId(`${alert.id}.post`, c.conversationId) }));
    await recordDeliveries(ctx, deliveries);
    const candidate: AlertRecord = {
      alert,
      source: request.source,
      batchId: alert.id,
      channels: deliveries.length,
      expectedOrganisations: expected,
      acknowledgements: [],
      escalation:
        alert.severity === 'high'
          ? { dueAt: new Date(now.getTime() + ctx.config.alertEscalationMinutes * 60_000).toISOString() }
          : undefined,
    };
    // A concurrent request with the same id may have stored it first: then its record is the one fanned out.
    record = (await storeAlert(ctx, candidate)).record;
  }
  await fanOut(ctx, record);
  return { ok: true, record, duplicate: existing !== undefined, channels: record.channels ?? record.posts?.length ?? 0 };
}

async function fanOut(ctx: AppContext, record: AlertRecord): Promise<void> {
  const card = await renderAlertCard(ctx, record);
  const messages = await toAlertChannels(ctx, record, (p) => ({ id: p.itemId, payload: { card, summary: `Alert: ${record.alert.title}` } }));
  await enqueue(ctx, record.batchId, messages);
}
