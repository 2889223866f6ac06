import type { AppContext } from '../kernel/context';
import type { ChannelMapping } from './model';
import { MAPPING_PARTITION, mappingKeys } from './tables';

/**
 * The only module that touches the ChannelMappings table (keys in bot/channels/tables.ts). Other slices ask here:
 * mappingOf (digests' channel delivery), allMappings (fan-out lookups), forgetChannelMapping (a conversation Teams
 * says is gone).
 */

/** The mapping of one channel, if an admin has mapped it: one point read. */
export async function mappingOf(ctx: AppContext, conversationId: string): Promise<ChannelMapping | undefined> {
  return (await ctx.store.channelMappings.get(mappingKeys(conversationId)))?.value;
}

/** Every mapped channel: one partition read. */
export async function allMappings(ctx: AppContext): Promise<ChannelMapping[]> {
  return (await ctx.store.channelMappings.listPartition(MAPPING_PARTITION)).map((m) => m.value);
}

/** Sets a channel's boroughs and themes (one writer: the admin saving the settings card; the last save wins). */
export async function saveMapping(ctx: AppContext, mapping: ChannelMapping): Promise<void> {
  await ctx.store.channelMappings.upsert(mapping);
}

/** Unmaps a channel: nothing more is posted there. Idempotent. Returns the mapping it removed, if there was one. */
export async function forgetChannelMapping(ctx: AppContext, conversationId: string): Promise<ChannelMapping | undefined> {
  const mapping = await mappingOf(ctx, conversationId);
  await ctx.store.channelMappings.delete(mappingKeys(conversationId));
  return mapping;
}

/** Unmaps every channel of a team (the bot was removed from it). Returns the mappings removed. */
export async function forgetTeamMappings(ctx: AppContext, teamId: string): Promise<ChannelMapping[]> {
  // Filtered here rather than on the teamId column: one partition of at most a few hundred rows either way.
  const rows = (await ctx.store.channelMappings.listPartition(MAPPING_PARTITION)).filter((m) => m.value.teamId === teamId);
  for (const row of rows) await ctx.store.channelMappings.delete(row.keys);
  return rows.map((r) => r.value);
}
