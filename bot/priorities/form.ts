import { randomUUID } from 'node:crypto';
import { quoteForCard } from '../common/plainText';
import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { BoroughId, boroughById, findBorough } from '../common/borough';
import { canPublishPriorities, canPublishPrioritiesFor } from '../common/permissions';
import { messageCard } from '../../cards/message';
import { prioritiesFormCard, themeInputId } from '../../cards/prioritiesForm';
import type { AdaptiveCard } from '../../cards/render';
import { PrioritiesInput } from './input';
import { latestPriorities, publishPriorities } from './publish';
import { allThemes } from '../referenceData';

const notAllowed = () =>
  messageCard({
    title: 'Only police leads and administrators publish priorities',
    text: 'Policing priorities are set by the police division. Type **priorities** to read the current ones.',
    tone: 'warning',
  });

const notYourBorough = (borough: BoroughId) =>
  messageCard({
    title: `Not a borough your force polices: ${boroughById(borough).name}`,
    text: "A police lead publishes priorities for the boroughs their force polices. Ask that borough's police lead or a Concordat administrator.",
    tone: 'warning',
  });

export async function openPrioritiesForm(ctx: AppContext, caller: Caller, args: string): Promise<AdaptiveCard> {
  if (!canPublishPriorities(caller)) return notAllowed();
  const borough = findBorough(args)?.id ?? (caller.organisation?.boroughs.length === 1 ? caller.organisation.boroughs[0] : undefined);
  if (!borough) {
    return messageCard({ title: 'Which borough?', text: 'Type **publish priorities** followed by the borough, e.g. *publish priorities Stockport*.' });
  }
  if (!canPublishPrioritiesFor(caller, borough)) return notYourBorough(borough);
  const latest = await latestPriorities(ctx, borough);
  return prioritiesFormCard({
    borough,
    boroughName: boroughById(borough).name,
    submissionId: randomUUID(),
    baseVersion: latest?.version ?? 0,
    effectiveFrom: latest?.effectiveFrom ?? ctx.clock().toISOString().slice(0, 10),
    themes: (await allThemes(ctx)).map((t) => ({
      id: t.id,
      name: t.name,
      lines: (latest?.priorities ?? []).filter((p) => p.themeId === t.id).map((p) => p.title).join('\n'),
    })),
  });
}

const RawForm = z
  .object({ borough: BoroughId, submissionId: z.string().uuid(), baseVersion: z.coerce.number().int().min(0), effectiveFrom: z.string().optional(), changeNote: z.string().optional() })
  .passthrough();

export async function submitPrioritiesForm(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  if (!canPublishPriorities(caller)) return notAllowed();
  const raw = RawForm.safeParse(data);
  if (!raw.success) return messageCard({ title: 'This form was out of date', text: 'Type **publish priorities** to open it again.', tone: 'warning' });
  if (!canPublishPrioritiesFor(caller, raw.data.borough)) return notYourBorough(raw.data.borough);
  const themeList = await allThemes(ctx);
  const fields = raw.data as Record<string, unknown>;
  const linesOf = (id: string) => (typeof fields[themeInputId(id)] === 'string' ? (fields[themeInputId(id)] as string) : '');
  const priorities = themeList.flatMap((t) =>
    linesOf(t.id)
      .split(/\r?\n/)
      .map((l) => l.replace(/^[-•*\s]+/, '').trim())
      .filter(Boolean)
      .map((title) => ({ themeId: t.id, title })),
  );
  const input = PrioritiesInput.safeParse({ effectiveFrom: raw.data.effectiveFrom ?? '', changeNote: raw.data.changeNote ?? '', priorities });

  const again = (errors: Record<string, string>, themeErrors: Record<string, string>, formError = '') =>
    prioritiesFormCard({
      borough: raw.data.borough,
      boroughName: boroughById(raw.data.borough).name,
      submissionId: raw.data.submissionId,
      baseVersion: raw.data.baseVersion,
      effectiveFrom: raw.data.effectiveFrom ?? '',
      changeNote: raw.data.changeNote ?? '',
      themes: themeList.map((t) => ({ id: t.id, name: t.name, lines: linesOf(t.id), error: themeErrors[t.id] ?? '' })),
      errors,
      formError,
    });

  if (!input.success) {
    const errors: Record<string, string> = {};
    const themeErrors: Record<string, string> = {};
    let formError = '';
    for (const issue of input.error.issues) {
      const [first, index] = issue.path;
      if (first === 'priorities' && typeof index === 'number') {
        const p = priorities[index]!;
        themeErrors[p.themeId] ??= `${quoteForCard(p.title, 40, 'One priority')}: ${issue.message}`;
      } else if (first === 'priorities') formError ||= issue.message;
      else errors[String(first)] ??= first === 'effectiveFrom' ? 'Choose a date' : issue.message;
    }
    return again(errors, themeErrors, formError);
  }
  const result = await publishPriorities(ctx, {
    borough: raw.data.borough,
    ...input.data,
    publishedBy: caller.member!.aadObjectId,
    organisationId: caller.organisation!.id,
    submissionId: raw.data.submissionId,
    baseVersion: raw.data.baseVersion,
  });
  if (!result.ok) {
    if (result.reason === 'invalid') return again({ [result.field]: result.message }, {});
    return result.reason === 'no-changes'
      ? again({}, {}, result.message)
      : messageCard({ title: 'Not published', text: result.message, tone: 'attention' });
  }
  const c = result.changes;
  return messageCard({
    title: `${boroughById(result.set.borough).name} priorities published (version ${result.set.version})`,
    text: `${result.set.version > 1 ? `${c.added.length} added, ${c.removed.length} removed, ${c.reworded.length} reworded. ` : ''}${
      result.channels ? `Posting to ${result.channels} channel${result.channels === 1 ? '' : 's'}.` : 'No channel is mapped to this borough yet.'
    }`,
    tone: 'good',
  });
}
