import type { AppContext } from '../kernel/context';
import type { AdaptiveCard } from '../../cards/render';
import type { NoticeAbout } from './model';
import { keepNotice } from './repository';

export interface NoticeToKeep {
  recipient: string;
  id: string;
  about: NoticeAbout;
  title: string;
  card: AdaptiveCard;
}

/**
 * Keeps private notices for people Concordat could not send them to (no
 * personal chat), to open from a channel card, shown to them alone. Each is
 * kept once per id, however often the step that keeps it is retried.
 * Returns how many were newly kept.
 */
export async function keepPrivateNotices(ctx: AppContext, notices: readonly NoticeToKeep[]): Promise<number> {
  const keptAt = ctx.clock().toISOString();
  let kept = 0;
  for (const n of notices) if (await keepNotice(ctx, { ...n, keptAt })) kept++;
  return kept;
}
