import { z } from 'zod';
import { MAY } from '../common/permissions';
import { defineAction, defineCommand, FormData, NoData } from '../common/route';
import { acknowledgeFromCard } from './acknowledgeCard';
import { openAlertForm, submitAlertForm } from './form';
import { listRecentAlerts } from './list';
import { alertListView, renderAlertCard } from './views';
import { ALERT_VERBS } from './verbs';
import { viewAlertCard } from './view';
import { messageCard } from '../../cards/message';

const RAISE = { who: MAY.raiseAlert, scopes: ['personal', 'team'], refusedTitle: 'Only authorised staff can raise alerts' } as const;
const READ = { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] } as const;
/**
 * Teams sends the alert card's refresh for whoever looks at it in the channel, registered or not: everyone gets
 * an answer (the neutral view for people the directory does not know), never a refusal in place of the alert.
 * Alerts are posted to channels only, and the handler answers only where this alert was posted.
 */
const VIEW = { who: 'anyone', scopes: ['team'] } as const;
const AlertsPageData = z.object({ more: z.string().min(1).max(4000).optional() }).passthrough();
const AlertIdData = z.object({ alertId: z.string().min(3).max(100) }).passthrough();

export const alertRoutes = [
  defineCommand({ title: 'alert', description: 'Raise a partnership alert for one or more boroughs', access: RAISE, handler: (ctx, { caller }) => openAlertForm(ctx, caller) }),
  defineCommand({ title: 'alerts', description: 'Recent alerts: delivery and who has acknowledged', access: READ, handler: async (ctx, { caller, scope }) => alertListView(ctx, await listRecentAlerts(ctx, caller), scope, caller) }),
  defineAction({ verb: ALERT_VERBS.open, schema: NoData, access: RAISE, handler: (ctx, { caller }) => openAlertForm(ctx, caller) }),
  // The list's first page, or with `more` (the "More" button's signed token) the next one.
  defineAction({ verb: ALERT_VERBS.list, schema: AlertsPageData, access: READ, handler: async (ctx, { caller, scope, data }) => alertListView(ctx, await listRecentAlerts(ctx, caller, data), scope, caller) }),
  defineAction({ verb: ALERT_VERBS.submit, schema: FormData, access: RAISE, handler: (ctx, { caller, data }) => submitAlertForm(ctx, caller, data) }),
  // Acknowledgement buttons sit on the alert's channel posts.
  defineAction({
    verb: ALERT_VERBS.ack,
    schema: AlertIdData,
    access: READ,
    handler: (ctx, { caller, data }) => acknowledgeFromCard(ctx, caller, data),
  }),
  // The channel card's refresh (Universal Actions user-specific views): the caller's own view of the alert.
  defineAction({
    verb: ALERT_VERBS.view,
    schema: AlertIdData,
    access: VIEW,
    handler: async (ctx, { caller, conversation, data }) => {
      const result = await viewAlertCard(ctx, caller, data.alertId, conversation.conversationId);
      if (result.ok) return renderAlertCard(ctx, result.record, result.view);
      return result.reason === 'not-found'
        ? messageCard({ title: 'This alert is no longer held', text: 'Alerts are kept for a limited time. Type **alerts** to see current ones.', tone: 'warning' })
        : messageCard({ title: 'That card is out of date', text: 'Type **alerts** to see current alerts.', tone: 'warning' });
    },
  }),
];
