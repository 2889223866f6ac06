import { TONE_COLOR } from './format';
import { z } from 'zod';
import { BOROUGHS } from '../bot/common/borough';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/digestSettings.json';

const Choice = z.object({ title: z.string(), value: z.string() });

export const DigestSettingsData = z.object({
  subtitle: z.string(),
  status: z.object({ text: z.string(), tone: z.enum(['good', 'attention']) }).optional(),
  themes: z.array(Choice),
  selected: z.object({ themes: z.array(z.string()), boroughs: z.array(z.string()), day: z.string(), time: z.string(), destination: z.string() }),
  /** The days a digest may come on, in order ("Monday" … "Sunday"). */
  dayChoices: z.array(Choice).length(7),
  destinations: z.array(Choice).min(1),
  errors: z.object({ themes: z.string(), boroughs: z.string(), time: z.string(), destination: z.string() }).partial().default({}),
  subscribed: z.boolean(),
  /** Admins also see who they may allow to receive digests. */
  allowable: z.array(Choice).optional(),
});

/** Where and when a person's weekly digests go, with the themes and boroughs they cover. */
export function digestSettingsCard(input: z.input<typeof DigestSettingsData>): AdaptiveCard {
  const d = DigestSettingsData.parse(input);
  const admin = d.allowable !== undefined && d.allowable.length > 0;
  return expandTemplate(template, {
    subtitle: d.subtitle,
    status: d.status?.text ?? '',
    statusColor: TONE_COLOR[d.status?.tone ?? 'good'],
    themes: d.selected.themes.join(','),
    boroughs: d.selected.boroughs.join(','),
    day: d.selected.day,
    time: d.selected.time,
    destination: d.selected.destination,
    themeChoices: d.themes,
    boroughChoices: BOROUGHS.map((b) => ({ title: b.name, value: b.id })),
    dayChoices: d.dayChoices,
    destinationChoices: d.destinations,
    errors: { themes: d.errors.themes ?? '', boroughs: d.errors.boroughs ?? '', time: d.errors.time ?? '', destination: d.errors.destination ?? '' },
    subscribed: d.subscribed,
    admin,
    memberChoices: d.allowable ?? [],
  });
}
