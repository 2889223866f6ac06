import type { Offer } from '../common/route';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { quotable } from '../common/plainText';
import { CONVERSATION_VERBS } from './verbs';

/** An answer to text the bot does not understand: say so, and say what would work (for this caller, here). */
export function buildUnknownCard(text: string, offer: Offer): AdaptiveCard {
  // Quoted back only when it is plain text: the bot's card must not carry the user's links or formatting.
  const shown = quotable(text);
  const commands = offer.commands.map((c) => `**${c.title}**`);
  return messageCard({
    title: shown ? `I didn't understand "${shown}"` : text.trim() ? "I didn't understand that" : 'Say something I can help with',
    text: `I answer commands rather than free text. Try ${commands.join(', ')}.`,
    buttons: [{ title: 'Show help', verb: CONVERSATION_VERBS.help }],
  });
}
