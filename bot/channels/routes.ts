import { z } from 'zod';
import { MAY } from '../common/permissions';
import { defineAction, defineCommand, FormData } from '../common/route';
import { listChannelMappings, openChannelSettings, removeChannelMapping, saveChannelSettings } from './settings';
import { CHANNEL_VERBS } from './verbs';

const refusedTitle = 'Only administrators change channel settings';
const IN_CHANNEL = { who: MAY.manageChannels, scopes: ['team'], refusedTitle } as const;
const FROM_PERSONAL = { who: MAY.manageChannels, scopes: ['personal'], refusedTitle } as const;

export const channelRoutes = [
  defineCommand({
    title: 'channel settings',
    description: 'Choose the boroughs and themes this channel receives',
    access: IN_CHANNEL,
    handler: (ctx, { caller, conversation }) => openChannelSettings(ctx, caller, conversation),
  }),
  defineCommand({ title: 'channels', description: 'Channels that receive priorities and alerts', access: FROM_PERSONAL, handler: (ctx, { caller }) => listChannelMappings(ctx, caller) }),
  defineAction({
    verb: CHANNEL_VERBS.save,
    schema: FormData,
    access: IN_CHANNEL,
    handler: (ctx, { caller, conversation, data }) => saveChannelSettings(ctx, caller, conversation, data),
  }),
  defineAction({
    verb: CHANNEL_VERBS.remove,
    schema: z.object({ conversationId: z.string().min(1).max(400) }).passthrough(),
    // On the channel's own settings card and on the list of channels in the admin's personal chat.
    access: { who: MAY.manageChannels, scopes: ['personal', 'team'], refusedTitle },
    handler: (ctx, { caller, data }) => removeChannelMapping(ctx, caller, data),
  }),
];
