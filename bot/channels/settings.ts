import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { BoroughId, boroughById } from '../common/borough';
import type { ConversationReference } from '../conversation/model';
import { channelConversation, forgetConversation, forgetTeamChannels, saveConversation } from '../conversation/repository';
import { splitMulti } from '../common/formErrors';
import { canManageChannels } from '../common/permissions';
import { safeKey } from '../store/entityTable';
import { notifyAdministrators } from '../directory/administrators';
import { channelNamer } from './lookup';
import { allMappings, forgetChannelMapping, forgetTeamMappings, mappingOf, saveMapping } from './repository';
import { channelSettingsCard } from '../../cards/channelSettings';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { allThemes } from '../referenceData';

const adminsOnly = () =>
  messageCard({ title: 'Only administrators change channel settings', text: 'Ask your Concordat administrator to map this channel.', tone: 'warning' });
const notAChannel = () =>
  messageCard({
    title: 'Open channel settings in a channel',
    text: 'In the channel that should receive priorities and alerts, @mention Concordat with **channel settings**.',
    tone: 'warning',
  });

async function themeList(ctx: AppContext) {
  return (await allThemes(ctx)).map((t) => ({ id: t.id, name: t.name }));
}

async function settingsCard(ctx: AppContext, channel: ConversationReference & { kind: 'channel' }, extra: { status?: { text: string; tone: 'good' | 'attention' }; boroughsError?: string; selected?: { boroughs: string[]; themes: string[] } } = {}) {
  const mapping = await mappingOf(ctx, channel.conversationId);
  const stored = await channelConversation(ctx, channel.conversationId);
  const name = stored?.channelName;
  return channelSettingsCard({
    conversationId: channel.conversationId,
    channelName: name ?? channel.channelName ?? 'This channel',
    teamName: stored?.teamName ?? channel.teamName,
    themes: await themeList(ctx),
    selectedBoroughs: extra.selected?.boroughs ?? mapping?.boroughs ?? [],
    selectedThemes: extra.selected?.themes ?? mapping?.themes ?? [],
    mapped: mapping !== undefined,
    status: extra.status,
    boroughsError: extra.boroughsError,
  });
}

export async function openChannelSettings(ctx: AppContext, caller: Caller, conversation: ConversationReference): Promise<AdaptiveCard> {
  if (!canManageChannels(caller)) return adminsOnly();
  if (conversation.kind !== 'channel') return notAChannel();
  return settingsCard(ctx, conversation);
}

const RawSettings = z.object({ boroughs: z.string().optional(), themes: z.string().optional() });

export async function saveChannelSettings(ctx: AppContext, caller: Caller, conversation: ConversationReference, data: unknown): Promise<AdaptiveCard> {
  if (!canManageChannels(caller)) return adminsOnly();
  if (conversation.kind !== 'channel') return notAChannel();
  const raw = RawSettings.safeParse(data);
  const boroughs = z.array(BoroughId).min(1).safeParse(splitMulti(raw.success ? raw.data.boroughs : ''));
  const knownThemes = new Set((await themeList(ctx)).map((t) => t.id));
  const themes = splitMulti(raw.success ? raw.data.themes : '').filter((t) => knownThemes.has(t));
  if (!boroughs.success) {
    return settingsCard(ctx, conversation, { boroughsError: 'Choose at least one borough', selected: { boroughs: [], themes } });
  }
  // The bot may have been added before this channel existed: record it as a place to post, keeping the
  // team and channel names Teams gave at install (a message activity carries the ids only).
  const before = await channelConversation(ctx, conversation.conversationId);
  await saveConversation(ctx, {
    ...conversation,
    ...(conversation.teamName ?? before?.teamName ? { teamName: conversation.teamName ?? before?.teamName } : {}),
    ...(conversation.channelName ?? before?.channelName ? { channelName: conversation.channelName ?? before?.channelName } : {}),
  });
  await saveMapping(ctx, {
    conversationId: conversation.conversationId,
    teamId: conversation.teamId,
    ...(conversation.channelName ?? before?.channelName ? { channelName: conversation.channelName ?? before?.channelName } : {}),
    boroughs: boroughs.data,
    themes,
    mappedBy: caller.member!.aadObjectId,
    mappedAt: ctx.clock().toISOString(),
  });
  ctx.log.info('channel mapped', { conversation: conversation.conversationId, boroughs: boroughs.data, themes });
  const names = boroughs.data.map((b) => boroughById(b).name).join(', ');
  return settingsCard(ctx, conversation, { status: { text: `Saved: this channel gets priorities and alerts for ${names}.`, tone: 'good' } });
}

export async function removeChannelMapping(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  if (!canManageChannels(caller)) return adminsOnly();
  const parsed = z.object({ conversationId: z.string().min(1) }).safeParse(data);
  if (!parsed.success) return messageCard({ title: 'Nothing to remove', text: 'That button was out of date.', tone: 'warning' });
  await forgetChannelMapping(ctx, parsed.data.conversationId);
  return messageCard({ title: 'Channel unmapped', text: 'Concordat will no longer post priorities or alerts there. Cards already posted stay.', tone: 'good' });
}

export async function listChannelMappings(ctx: AppContext, caller: Caller): Promise<AdaptiveCard> {
  if (!canManageChannels(caller)) return adminsOnly();
  const mappings = await allMappings(ctx);
  if (mappings.length === 0) {
    return messageCard({ title: 'No channels mapped yet', text: 'In a channel, @mention Concordat with **channel settings** to choose its boroughs and themes.' });
  }
  const themes = new Map((await themeList(ctx)).map((t) => [t.id, t.name]));
  const nameOf = await channelNamer(ctx);
  const lines = mappings.map(
    (m) =>
      `- **${nameOf(m)}**: ${m.boroughs.map((b) => boroughById(b).name).join(', ')}; ${m.themes.length ? m.themes.map((t) => themes.get(t) ?? t).join(', ') : 'all themes'}`,
  );
  return messageCard({ title: `Mapped channels (${mappings.length})`, text: lines.join('\n') });
}

/** The bot was removed from a team (or a chat): forget where it could post there, so nothing retries forever. */
export async function forgetInstallation(ctx: AppContext, conversation: ConversationReference): Promise<void> {
  if (conversation.kind === 'channel') {
    const teamChannels = await forgetTeamChannels(ctx, conversation.teamId);
    const mappings = await forgetTeamMappings(ctx, conversation.teamId);
    ctx.log.info('bot removed from team', { team: conversation.teamId, channels: teamChannels, mappings: mappings.length });
    if (mappings.length > 0) {
      // Alerts stop reaching these channels: the administrators must hear it from us, not notice the silence.
      const names = mappings.map((m) => m.channelName ?? 'a channel').join(', ');
      await notifyAdministrators(ctx, `uninstalled.${safeKey(conversation.teamId ?? conversation.conversationId)}.${ctx.clock().getTime()}`, {
        title: 'Concordat was removed from a team',
        text: `Concordat was removed from the team ${conversation.teamName ?? conversation.teamId ?? ''}, so alerts no longer go to ${names}. If that was not intended, add the app to the team again and map its channels with "channels".`,
      });
    }
  } else {
    await forgetConversation(ctx, conversation.kind, conversation.conversationId);
  }
}
