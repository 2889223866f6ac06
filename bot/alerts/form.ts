import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { fieldErrors, splitMulti } from '../common/formErrors';
import { canRaiseAlert } from '../common/permissions';
import { stableId } from '../common/stableId';
import { listOf } from '../../cards/format';
import { alertFormCard, ALERT_FORM_FIELDS } from '../../cards/alertForm';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { boroughById } from '../common/borough';
import { AlertInput, raiseAlert } from './raise';
import { allThemes } from '../referenceData';
import { ALERT_VERBS } from './verbs';

const notAllowed = () =>
  messageCard({
    title: 'Only authorised staff can raise alerts',
    text: 'Partnership alerts go to every partner in a borough, so they are raised by police staff, coordinators, theme leads and administrators. Ask one of them, or your Concordat administrator for access.',
    tone: 'warning',
  });

async function themes(ctx: AppContext) {
  return (await allThemes(ctx)).map((t) => ({ id: t.id, name: t.name }));
}

export async function openAlertForm(ctx: AppContext, caller: Caller): Promise<AdaptiveCard> {
  if (!canRaiseAlert(caller)) return notAllowed();
  const borough = caller.organisation?.boroughs.length === 1 ? caller.organisation.boroughs[0] : undefined;
  return alertFormCard({ submissionId: randomUUID(), themes: await themes(ctx), values: borough ? { boroughs: borough } : {} });
}

/** The form as Teams sends it: every input is a string (or absent). */
const RawAlertForm = z.object({
  submissionId: z.string().uuid(),
  severity: z.string().optional(),
  boroughs: z.string().optional(),
  theme: z.string().optional(),
  title: z.string().optional(),
  body: z.string().optional(),
  expiresInDays: z.string().optional(),
  marking: z.string().optional(),
});

const FIELD_OF: Record<string, (typeof ALERT_FORM_FIELDS)[number]> = { themeId: 'theme' };

export async function submitAlertForm(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  if (!canRaiseAlert(caller)) return notAllowed();
  const raw = RawAlertForm.safeParse(data);
  if (!raw.success) {
    return alertFormCard({ submissionId: randomUUID(), themes: await themes(ctx), formError: 'This form was out of date or damaged. Please fill it in again.' });
  }
  const values = Object.fromEntries(ALERT_FORM_FIELDS.map((f) => [f, (raw.data as Record<string, string | undefined>)[f] ?? '']));
  const input = AlertInput.safeParse({
    severity: raw.data.severity || undefined,
    boroughs: splitMulti(raw.data.boroughs),
    themeId: raw.data.theme ?? '',
    title: raw.data.title ?? '',
    body: raw.data.body ?? '',
    expiresInDays: Number(raw.data.expiresInDays || '7'),
    marking: raw.data.marking || undefined,
  });
  const again = async (errors: Record<string, string>, formError = '') =>
    alertFormCard({ submissionId: raw.data.submissionId, themes: await themes(ctx), values, errors, formError });
  if (!input.success) {
    const { fields, form } = fieldErrors(input.error, [...ALERT_FORM_FIELDS, 'themeId']);
    const mapped = Object.fromEntries(Object.entries(fields).map(([k, v]) => [FIELD_OF[k] ?? k, v]));
    return again(mapped, form);
  }
  const result = await raiseAlert(ctx, {
    alertId: stableId('alert', raw.data.submissionId),
    source: 'card',
    organisationId: caller.organisation!.id,
    displayName: caller.displayName,
    input: input.data,
  });
  if (!result.ok) return again({ [FIELD_OF[result.field] ?? result.field]: result.message });
  const where = listOf(result.record.alert.boroughs.map((b) => boroughById(b).name));
  return messageCard({
    title: `Alert sent: ${result.record.alert.title}`,
    text:
      result.channels > 0
        ? `It is going to ${result.channels} channel${result.channels === 1 ? '' : 's'} for ${where}. Type **alerts** to see delivery and who has acknowledged.`
        : `It is stored, but no channel is mapped to ${where} yet, so nothing was posted. An administrator can map a channel with **channel settings**.`,
    tone: 'good',
    buttons: [{ title: 'Recent alerts', verb: ALERT_VERBS.list }],
  });
}
