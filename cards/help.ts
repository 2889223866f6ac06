import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/help.json';

export const HelpCardData = z.object({
  displayName: z.string(),
  organisationName: z.string().optional(),
  roleLabels: z.array(z.string()),
  registered: z.boolean(),
  scope: z.enum(['personal', 'team', 'groupChat']),
  commands: z.array(z.object({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) })),
  buttons: z.array(z.object({ title: z.string().max(40), verb: z.string() })).max(6),
});
export type HelpCardData = z.infer<typeof HelpCardData>;

const SCOPE_NOTES: Record<HelpCardData['scope'], string> = {
  personal: 'This is your private chat with Concordat: details you are allowed to see are shown only here.',
  team: 'In a channel, @mention Concordat before a command. Channel posts are de-identified summaries.',
  groupChat: 'In a group chat, @mention Concordat before a command. Everyone in the chat sees the answer.',
};

export function helpCard(input: HelpCardData): AdaptiveCard {
  const d = HelpCardData.parse(input);
  const who = [d.organisationName, d.roleLabels.join(', ')].filter(Boolean).join(' · ');
  return expandTemplate(template, {
    greeting: who ? `Hello ${d.displayName} — ${who}` : `Hello ${d.displayName}`,
    registered: d.registered,
    commands: d.commands.map((c) => ({ title: c.title, description: c.description })),
    scopeNote: SCOPE_NOTES[d.scope],
    buttons: d.buttons,
  });
}
