import { z } from 'zod';
import { MAY } from '../common/permissions';
import { defineAction, defineCommand } from '../common/route';
import { auditTrailPage } from './trail';
import { AUDIT_VERBS } from './verbs';
import { trailCard } from './views';

/** The audit log names people and what they looked at: data protection officers and administrators, in a private chat only. */
const READ_AUDIT = { who: MAY.readAudit, scopes: ['personal'], refusedTitle: 'Only a data protection officer can read the audit log' } as const;

/** "More": only the signed page token. */
const MoreData = z.object({ more: z.string().max(4000) }).passthrough();

export const auditRoutes = [
  defineCommand({
    title: 'audit',
    description: 'The audit trail of an incident, operation, alert or member, e.g. audit STO-2026-000123',
    access: READ_AUDIT,
    menu: false,
    handler: async (ctx, req) => trailCard(await auditTrailPage(ctx, req.caller, { args: req.args }), ctx.config.timeZone),
  }),
  defineAction({
    verb: AUDIT_VERBS.trail,
    schema: MoreData,
    access: READ_AUDIT,
    handler: async (ctx, req) => trailCard(await auditTrailPage(ctx, req.caller, { more: req.data.more }), ctx.config.timeZone),
  }),
];
