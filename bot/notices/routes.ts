import { z } from 'zod';
import { MAY } from '../common/permissions';
import { registered } from '../incidents/request';
import { defineAction, defineCommand, NoData } from '../common/route';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { listNotices, openNotice } from './open';
import { noticesEntryCard, noticesView } from './views';
import { NOTICE_VERBS } from './verbs';

export { NOTICE_VERBS } from './verbs';

/**
 * Private notices: any registered member, anywhere. The buttons answer in
 * their invoke response (shown to the presser alone); the typed command in
 * a shared place answers with a button only (its reply is posted for all).
 */
const ANYWHERE = { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] } as const;

const NoticeId = z.object({ noticeId: z.string().min(3).max(200).regex(/^[A-Za-z0-9:._|-]+$/) }).passthrough();

async function asMember(ctx: AppContext, caller: Caller, work: (c: Parameters<typeof listNotices>[1]) => Promise<AdaptiveCard>): Promise<AdaptiveCard> {
  // The gate admitted a registered member; an organisation retired since is told plainly.
  if (!registered(caller)) return messageCard({ title: 'Not available', text: 'Concordat could not find your organisation.', tone: 'warning' });
  return work(caller);
}

export const noticeRoutes = [
  defineCommand({
    title: 'notices',
    description: 'Your private notices: warnings and reminders kept for you when Concordat had no private chat with you',
    access: ANYWHERE,
    menu: false,
    handler: (ctx, req) =>
      req.answerSeenBy === 'asker' ? asMember(ctx, req.caller, async (c) => noticesView(await listNotices(ctx, c), ctx.config.timeZone)) : Promise.resolve(noticesEntryCard()),
  }),
  defineAction({
    verb: NOTICE_VERBS.list,
    schema: NoData,
    access: ANYWHERE,
    handler: (ctx, req) => asMember(ctx, req.caller, async (c) => noticesView(await listNotices(ctx, c), ctx.config.timeZone)),
  }),
  defineAction({
    verb: NOTICE_VERBS.open,
    schema: NoticeId,
    access: ANYWHERE,
    handler: (ctx, req) => asMember(ctx, req.caller, async (c) => noticesView(await openNotice(ctx, c, req.data.noticeId), ctx.config.timeZone)),
  }),
];
