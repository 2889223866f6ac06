import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import type { ConversationReference } from '../conversation/model';
import { channelConversations, installedChannels } from '../conversation/repository';
import { mappingMatches } from './model';
import { allMappings } from './repository';

/**
 * How a mapped channel is named to people: "Channel (Team)", from the
 * conversation references Teams gave at install (message activities carry
 * the channel's id only). One partition read for every channel; never the
 * raw "19:…@thread.tacv2" id.
 */
export async function channelNamer(ctx: AppContext): Promise<(m: { conversationId: string; teamId?: string; channelName?: string }) => string> {
  const refs = new Map((await installedChannels(ctx)).map((c) => [c.conversationId, c] as const));
  return (m) => {
    const ref = refs.get(m.conversationId);
    // The General channel's id is the team's id, and Teams gives it no name.
    const channel = ref?.channelName ?? m.channelName ?? (m.teamId && m.conversationId === m.teamId ? 'General' : undefined);
    const team = ref?.teamName;
    if (channel && team) return `${channel} (${team})`;
    if (channel) return channel;
    return team ? `a channel of ${team} (Teams has not shared its name)` : 'a channel whose name Teams has not shared';
  };
}

/** The channels an admin has mapped to this borough (and theme), where the bot is still installed. */
export async function channelsFor(ctx: AppContext, borough: BoroughId, themeId?: string): Promise<ConversationReference[]> {
  const mappings = (await allMappings(ctx)).filter((m) => mappingMatches(m, borough, themeId));
  return channelConversations(ctx, mappings.map((m) => m.conversationId));
}
