import { defineAction, defineCommand, NoData } from '../common/route';
import { buildHelpCard } from './help';
import { CONVERSATION_VERBS } from './verbs';

const EVERYWHERE = ['personal', 'team', 'groupChat'] as const;

export const conversationRoutes = [
  defineCommand({
    title: 'help',
    description: 'What Concordat can do for you',
    access: { who: 'anyone', scopes: EVERYWHERE },
    handler: (_ctx, req) => buildHelpCard(req),
  }),
  defineAction({ verb: CONVERSATION_VERBS.help, schema: NoData, access: { who: 'anyone', scopes: EVERYWHERE }, handler: (_ctx, req) => buildHelpCard(req) }),
];
