import { z } from 'zod';
import { MAY } from '../common/permissions';
import { defineAction, defineCommand, FormData, NoData } from '../common/route';
import { allowDigestMember, digestNow, openDigestSettings, saveDigestSettings, stopDigests } from './settings';
import { DIGEST_VERBS } from './verbs';

const DIGESTS = { who: MAY.receiveDigests, scopes: ['personal'], refusedTitle: 'Digests are for theme leads' } as const;

export const digestRoutes = [
  defineCommand({
    title: 'digest settings',
    description: 'Your weekly digest: themes, boroughs, day, time and where it goes',
    access: DIGESTS,
    // The personal menu already has 10 commands (Teams' limit); reached from the help card and the digest's button.
    menu: false,
    handler: (ctx, { caller }) => openDigestSettings(ctx, caller),
  }),
  defineCommand({
    title: 'digest now',
    description: "A preview of this week's digest so far, e.g. digest now vulnerable",
    access: DIGESTS,
    menu: false,
    handler: (ctx, { caller, args }) => digestNow(ctx, caller, args),
  }),
  defineAction({ verb: DIGEST_VERBS.settings, schema: NoData, access: DIGESTS, handler: (ctx, { caller }) => openDigestSettings(ctx, caller) }),
  defineAction({ verb: DIGEST_VERBS.save, schema: FormData, access: DIGESTS, handler: (ctx, { caller, data }) => saveDigestSettings(ctx, caller, data) }),
  defineAction({ verb: DIGEST_VERBS.stop, schema: NoData, access: DIGESTS, handler: (ctx, { caller }) => stopDigests(ctx, caller) }),
  defineAction({ verb: DIGEST_VERBS.allow, schema: FormData, access: { who: MAY.allowDigests, scopes: ['personal'], refusedTitle: 'Only administrators allow digests' }, handler: (ctx, { caller, data }) => allowDigestMember(ctx, caller, data) }),
  defineAction({
    verb: DIGEST_VERBS.now,
    schema: z.object({ theme: z.string().max(64).optional() }).passthrough(),
    access: DIGESTS,
    handler: (ctx, { caller, data }) => digestNow(ctx, caller, '', data),
  }),
];
