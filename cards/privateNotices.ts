import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/privateNotices.json';

/** At most this many notices on one card (newest first): keeps it well under Teams' 28 KB and a phone screen or two. */
export const NOTICES_PER_CARD = 8;

export const PrivateNoticesData = z.object({
  onlyYou: z.string().min(1).max(400),
  notices: z
    .array(
      z.object({
        title: z.string().min(1).max(200),
        when: z.string().max(120),
        unread: z.boolean(),
        verb: z.string().min(1).max(60),
        data: z.record(z.union([z.string(), z.number(), z.boolean()])),
      }),
    )
    .max(NOTICES_PER_CARD),
  /** Notices withheld because the person may no longer see them (their roles changed), and older ones not listed. */
  withdrawn: z.string().max(300).default(''),
});

/** "Your private notices": the list a person without a personal chat opens from a channel card, shown to them alone. */
export function privateNoticesCard(input: z.input<typeof PrivateNoticesData>): AdaptiveCard {
  const d = PrivateNoticesData.parse(input);
  return expandTemplate(template, {
    title: 'Your private notices',
    onlyYou: d.onlyYou,
    empty: d.notices.length === 0 ? 'Nothing is waiting for you.' : '',
    notices: d.notices.map((n) => ({
      title: n.title,
      when: n.when,
      weight: n.unread ? 'Bolder' : 'Default',
      button: n.unread ? 'Open (new)' : 'Open',
      verb: n.verb,
      data: { ...n.data, verb: n.verb },
    })),
    withdrawn: d.withdrawn,
    footer: 'OFFICIAL-SENSITIVE · Opening a notice is logged. Notices are deleted 7 days after you first open them, or after 30 days.',
  });
}
