import type { Activity, ChannelInfo } from 'botbuilder';
import type { Scope } from '../common/access';
import type { ConversationReference } from '../conversation/model';

/** Teams activity shapes mapped to the domain's; the only place that reads channelData. */
export function scopeOf(activity: Activity): Scope {
  switch (activity.conversation?.conversationType) {
    case 'channel':
      return 'team';
    case 'groupChat':
      return 'groupChat';
    default:
      return 'personal';
  }
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
}

export function tenantOf(activity: Activity): string {
  const cd = activity.channelData as TeamsChannelData | undefined;
  return cd?.tenant?.id ?? activity.conversation?.tenantId ?? '';
}

export function conversationReferenceOf(activity: Activity, installedAt: string): ConversationReference {
  const cd0 = activity.channelData as TeamsChannelData | undefined;
  // In a channel, a reply's conversation id carries ";messageid=…": the channel itself is what we keep.
  const conversationId = scopeOf(activity) === 'team' ? (cd0?.channel?.id ?? activity.conversation.id.split(';')[0]!) : activity.conversation.id;
  const base = {
    conversationId,
    serviceUrl: activity.serviceUrl,
    tenantId: tenantOf(activity),
    installedAt,
  };
  const cd = activity.channelData as TeamsChannelData | undefined;
  switch (scopeOf(activity)) {
    case 'team':
      return {
        ...base,
        kind: 'channel',
        teamId: cd?.team?.id ?? activity.conversation.id,
        channelId: cd?.channel?.id ?? activity.conversation.id,
        teamName: cd?.team?.name,
        channelName: cd?.channel?.name,
      };
    case 'groupChat':
      return { ...base, kind: 'groupChat', title: activity.conversation.name };
    default:
      return { ...base, kind: 'personal', userAadObjectId: activity.from.aadObjectId ?? '' };
  }
}

/** A team's channels as places to post. The General channel's id is the team id and has no name. */
export function channelReferences(activity: Activity, channels: ChannelInfo[], installedAt: string): ConversationReference[] {
  const cd = activity.channelData as TeamsChannelData | undefined;
  const teamId = cd?.team?.id ?? activity.conversation.id;
  return channels
    .filter((c): c is ChannelInfo & { id: string } => typeof c.id === 'string' && c.id.length > 0)
    .map((c) => ({
      kind: 'channel' as const,
      conversationId: c.id,
      serviceUrl: activity.serviceUrl,
      tenantId: tenantOf(activity),
      teamId,
      channelId: c.id,
      teamName: cd?.team?.name,
      channelName: c.name ?? 'General',
      installedAt,
    }));
}
