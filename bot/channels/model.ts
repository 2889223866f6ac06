import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { Instant } from '../common/common';
import { EntraObjectId } from '../common/member';
import { ThemeId } from '../common/theme';
import { lazySchema } from '../common/lazySchema';

/** "This channel gets Stockport priorities and alerts": set by an admin from the settings card. */
export const ChannelMapping = lazySchema(() => z.object({
  conversationId: z.string().min(1),
  teamId: z.string().min(1),
  channelName: z.string().max(200).optional(),
  boroughs: z.array(BoroughId).min(1, 'a mapped channel gets at least one borough'),
  /** Empty means every theme. */
  themes: z.array(ThemeId),
  mappedBy: EntraObjectId,
  mappedAt: Instant,
}));
export type ChannelMapping = z.infer<typeof ChannelMapping>;

/** Pure: does this mapping want posts about this borough and theme? */
export function mappingMatches(m: ChannelMapping, borough: BoroughId, themeId?: string): boolean {
  return m.boroughs.includes(borough) && (themeId === undefined || m.themes.length === 0 || m.themes.includes(themeId));
}
