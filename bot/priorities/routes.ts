import { MAY } from '../common/permissions';
import { defineAction, defineCommand, FormData } from '../common/route';
import { openPrioritiesForm, submitPrioritiesForm } from './form';
import { showPriorities } from './show';
import { PRIORITY_VERBS } from './verbs';

const PUBLISH = { who: MAY.publishPriorities, scopes: ['personal'], refusedTitle: 'Only police leads and administrators publish priorities' } as const;

export const priorityRoutes = [
  defineCommand({
    title: 'priorities',
    description: "A borough's current policing priorities, e.g. priorities Stockport",
    // Policing priorities are shared with the whole partnership (and published as community safety plans).
    access: { who: 'anyone', scopes: ['personal', 'team', 'groupChat'] },
    handler: (ctx, { caller, args }) => showPriorities(ctx, caller, args),
  }),
  defineCommand({
    title: 'publish priorities',
    description: "Publish or update a borough's policing priorities",
    access: PUBLISH,
    handler: (ctx, { caller, args }) => openPrioritiesForm(ctx, caller, args),
  }),
  defineAction({ verb: PRIORITY_VERBS.submit, schema: FormData, access: PUBLISH, handler: (ctx, { caller, data }) => submitPrioritiesForm(ctx, caller, data) }),
];
