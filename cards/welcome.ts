import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/welcome.json';

export const WelcomeCardData = z.object({ scope: z.enum(['personal', 'team', 'groupChat']), teamName: z.string().optional() });

const POINTS = [
  'Policing priorities and partnership alerts for your borough, kept current',
  'Incident summaries reported from a card, shared only with the partners who need them',
  'Joint operations scheduled, with reminders before and a request for outcomes after',
  'A weekly digest for theme leads',
];

export function welcomeCard(input: z.infer<typeof WelcomeCardData>): AdaptiveCard {
  const d = WelcomeCardData.parse(input);
  const intro =
    d.scope === 'personal'
      ? 'Concordat connects the landlords, police and partners of the Greater Manchester crime concordat.'
      : `Concordat has been added to ${d.teamName ?? (d.scope === 'team' ? 'this team' : 'this chat')}. It connects the landlords, police and partners of the crime concordat.`;
  return expandTemplate(template, {
    intro,
    points: POINTS,
    privacy:
      'OFFICIAL · Anything posted here is a de-identified summary: no names, dates of birth or full addresses. Details are shown only in private chat, to people whose organisation may see them, and every look is logged.',
    nextStep: d.scope === 'personal' ? 'Type **help** to see what you can do.' : '@mention Concordat with **help** to see what it can do.',
  });
}
