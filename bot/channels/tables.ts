import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { ChannelMapping } from './model';

/**
 * The channels slice's table and the only place its keys are spelt; touched only by bot/channels/repository.ts.
 * ChannelMappings: one partition `map` (a few hundred channels at most: every fan-out reads them all), row key the
 * escaped conversation id; the `teamId` column finds a team's channels when the bot is removed from it.
 */
export const MAPPING_PARTITION = 'map';
export const mappingKeys = (conversationId: string) => ({ partitionKey: MAPPING_PARTITION, rowKey: safeKey(conversationId) });

export const CHANNEL_TABLES = {
  channelMappings: table({
    name: 'ChannelMappings',
    schema: ChannelMapping,
    keys: (m) => mappingKeys(m.conversationId),
    columns: (m) => ({ teamId: m.teamId }),
    retention: {
      holds: 'channel → boroughs and themes',
      retention: 'while mapped',
      enforcedBy: 'unmapped by an administrator, or deleted with the conversation (bot/channels/repository.ts)',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof CHANNEL_TABLES> {}
}
