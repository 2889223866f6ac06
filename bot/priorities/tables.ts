import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { PriorityPost, PrioritySet } from './model';

/**
 * The priorities slice's tables and the only place their keys are spelt; touched only by bot/priorities/repository.ts.
 * PrioritySets: one partition per borough, row key `v<000001>`: versions sort in order, so the newest is the last row
 * of the partition and "every version" is one partition read. PriorityPosts: one partition per borough, row key the
 * escaped conversation id: the card a channel shows, which later versions update in place.
 */
export const prioritySetKeys = (borough: string, version: number) => ({ partitionKey: borough, rowKey: `v${String(version).padStart(6, '0')}` });
export const priorityPostKeys = (borough: string, conversationId: string) => ({ partitionKey: borough, rowKey: safeKey(conversationId) });

export const PRIORITY_TABLES = {
  prioritySets: table({
    name: 'PrioritySets',
    schema: PrioritySet,
    keys: (p) => prioritySetKeys(p.borough, p.version),
    retention: {
      holds: "published policing priorities per borough (public information), with the publishing officer's Entra id",
      retention: 'kept: the record of what was published when (digests compare versions)',
      enforcedBy: "not deleted; holds no incident or personal details beyond the publisher's id",
    },
  }),
  priorityPosts: table({
    name: 'PriorityPosts',
    schema: PriorityPost,
    keys: (p) => priorityPostKeys(p.borough, p.conversationId),
    retention: {
      holds: "which channel message shows a borough's priorities (conversation and activity ids)",
      retention: 'while the channel is mapped',
      enforcedBy: 'replaced on each publication; no personal data',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof PRIORITY_TABLES> {}
}
