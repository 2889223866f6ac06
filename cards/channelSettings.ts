import { TONE_COLOR } from './format';
import { z } from 'zod';
import { BOROUGHS } from '../bot/common/borough';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/channelSettings.json';

export const ChannelSettingsData = z.object({
  conversationId: z.string(),
  channelName: z.string(),
  teamName: z.string().optional(),
  themes: z.array(z.object({ id: z.string(), name: z.string() })),
  selectedBoroughs: z.array(z.string()),
  selectedThemes: z.array(z.string()),
  mapped: z.boolean(),
  status: z.object({ text: z.string(), tone: z.enum(['good', 'attention']) }).optional(),
  boroughsError: z.string().default(''),
});

export function channelSettingsCard(input: z.input<typeof ChannelSettingsData>): AdaptiveCard {
  const d = ChannelSettingsData.parse(input);
  return expandTemplate(template, {
    subtitle: d.teamName ? `${d.teamName} › ${d.channelName}` : d.channelName,
    status: d.status?.text ?? '',
    statusColor: TONE_COLOR[d.status?.tone ?? 'good'],
    boroughs: d.selectedBoroughs.join(','),
    themes: d.selectedThemes.join(','),
    boroughChoices: BOROUGHS.map((b) => ({ title: b.name, value: b.id })),
    themeChoices: d.themes.map((t) => ({ title: t.name, value: t.id })),
    boroughsError: d.boroughsError,
    mapped: d.mapped,
    conversationId: d.conversationId,
  });
}
