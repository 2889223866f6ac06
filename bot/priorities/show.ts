import type { AppContext } from '../kernel/context';
import { quoteForCard } from '../common/plainText';
import type { Caller } from '../conversation/user';
import { BOROUGHS, findBorough } from '../common/borough';
import { messageCard } from '../../cards/message';
import { prioritiesCard } from '../../cards/priorities';
import { prioritiesCardData } from './views';
import type { AdaptiveCard } from '../../cards/render';
import { latestPriorities } from './publish';
import { allThemes, organisationById } from '../referenceData';
import { findActiveMember } from '../directory/repository';

/** `priorities [borough] [theme]`: the current version, for anyone. */
export async function showPriorities(ctx: AppContext, caller: Caller, args: string): Promise<AdaptiveCard> {
  const words = args.toLowerCase().split(/\s+/).filter(Boolean);
  const borough = words.map(findBorough).find(Boolean) ?? (caller.organisation?.boroughs.length === 1 ? findBorough(caller.organisation.boroughs[0]!) : undefined);
  if (!borough) {
    return messageCard({ title: 'Which borough?', text: `Type **priorities** and a borough: ${BOROUGHS.map((b) => b.name).join(', ')}.` });
  }
  const themes = (await allThemes(ctx)).map((t) => ({ id: t.id, name: t.name }));
  const rest = words.filter((w) => !findBorough(w)).join(' ');
  const onlyThemes = rest ? themes.filter((t) => t.id.includes(rest) || t.name.toLowerCase().includes(rest)).map((t) => t.id) : undefined;
  if (onlyThemes && onlyThemes.length === 0) {
    return messageCard({ title: `No theme called ${quoteForCard(rest, 40, 'that')}`, text: `The themes are: ${themes.map((t) => t.name).join('; ')}.` });
  }
  const set = await latestPriorities(ctx, borough.id);
  if (!set) return messageCard({ title: `No priorities published for ${borough.name} yet`, text: 'The police division has not published them in Concordat yet.' });
  const publisher = await findActiveMember(ctx, set.publishedBy);
  const org = publisher && (await organisationById(ctx, publisher.organisationId));
  return prioritiesCard(prioritiesCardData(set, themes, org?.name ?? 'the police division', ctx.config.timeZone, onlyThemes));
}
