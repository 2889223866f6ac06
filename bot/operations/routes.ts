import { MAY } from '../common/permissions';
import { defineAction, defineCommand, FormData, NoData } from '../common/route';
import * as ops from './commands';
import { OPERATION_VERBS } from './verbs';

/** Scheduling and changing hold restricted details (participants, briefing): personal chats only. */
const SCHEDULE = { who: MAY.scheduleOperations, scopes: ['personal'], refusedTitle: 'Only coordinators can schedule joint operations' } as const;
/** Per-operation checks (coordinator, administrator, lead agency's participants) are made by the use case. */
const MANAGE = { who: MAY.registered, scopes: ['personal'] } as const;
/** Any registered member sees the operations list and the de-identified card; the briefing only its insiders. */
const READ = { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] } as const;

export const operationRoutes = [
  defineCommand({
    title: 'schedule',
    description: 'Schedule a joint operation, with reminders for the partners taking part',
    access: SCHEDULE,
    handler: (ctx, req) => ops.scheduleCommand(ctx, req),
  }),
  defineCommand({ title: 'operations', description: 'Upcoming joint operations, e.g. operations Stockport', access: READ, handler: (ctx, req) => ops.operationsCommand(ctx, req) }),
  defineCommand({
    title: 'operation',
    description: 'One joint operation by its id, e.g. operation OP-STO-7K3Q9M',
    access: READ,
    menu: false,
    handler: (ctx, req) => ops.operationCommand(ctx, req),
  }),
  defineAction({ verb: OPERATION_VERBS.new, schema: NoData, access: SCHEDULE, handler: (ctx, req) => ops.scheduleCommand(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.list, schema: FormData, access: READ, handler: (ctx, req) => ops.operationsCommand(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.schedule, schema: FormData, access: SCHEDULE, handler: (ctx, req) => ops.scheduleSubmit(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.view, schema: FormData, access: READ, handler: (ctx, req) => ops.viewAction(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.change, schema: FormData, access: MANAGE, handler: (ctx, req) => ops.changeAction(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.reschedule, schema: FormData, access: MANAGE, handler: (ctx, req) => ops.rescheduleAction(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.cancel, schema: FormData, access: MANAGE, handler: (ctx, req) => ops.cancelAction(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.outcomesForm, schema: FormData, access: MANAGE, handler: (ctx, req) => ops.outcomesFormAction(ctx, req) }),
  defineAction({ verb: OPERATION_VERBS.outcomes, schema: FormData, access: MANAGE, handler: (ctx, req) => ops.outcomesAction(ctx, req) }),
];
