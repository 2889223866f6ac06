import { commandsFor, type Role, type Scope } from '../commands';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';

/** An answer to text the bot does not understand: say so, and say what would work. */
export function buildUnknownCard(text: string, scope: Scope, roles: readonly Role[]): AdaptiveCard {
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  const commands = commandsFor(scope, roles).map((c) => `**${c.title}**`);
  return messageCard({
    title: shown.trim() ? `I didn't understand "${shown}"` : 'Say something I can help with',
    text: `I answer commands rather than free text. Try ${commands.join(', ')}.`,
    buttons: [{ title: 'Show help', verb: 'help' }],
  });
}
