import { z } from 'zod';
import { MAY } from '../domain/permissions';
import { defineAction, defineCommand, FormData, NoData } from '../shared/route';
import { acknowledgeFromCard } from './acknowledgeCard';
import { openAlertForm, submitAlertForm } from './form';
import { listRecentAlerts } from './list';

const RAISE = { who: MAY.raiseAlert, scopes: ['personal', 'team'], refusedTitle: 'Only authorised staff can raise alerts' } as const;
const READ = { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] } as const;

export const alertRoutes = [
  defineCommand({ title: 'alert', description: 'Raise a partnership alert for one or more boroughs', access: RAISE, handler: (ctx, { caller }) => openAlertForm(ctx, caller) }),
  defineCommand({ title: 'alerts', description: 'Recent alerts: delivery and who has acknowledged', access: READ, handler: (ctx, { caller, scope }) => listRecentAlerts(ctx, caller, scope) }),
  defineAction({ verb: 'alert', schema: NoData, access: RAISE, handler: (ctx, { caller }) => openAlertForm(ctx, caller) }),
  defineAction({ verb: 'alerts', schema: NoData, access: READ, handler: (ctx, { caller, scope }) => listRecentAlerts(ctx, caller, scope) }),
  defineAction({ verb: 'alert.submit', schema: FormData, access: RAISE, handler: (ctx, { caller, data }) => submitAlertForm(ctx, caller, data) }),
  // Acknowledgement buttons sit on the alert's channel posts.
  defineAction({
    verb: 'alert.ack',
    schema: z.object({ alertId: z.string().min(3).max(100) }).passthrough(),
    access: READ,
    handler: (ctx, { caller, data }) => acknowledgeFromCard(ctx, caller, data),
  }),
];
