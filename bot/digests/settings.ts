import { z } from 'zod';
import { allThemes } from '../referenceData';
import type { AppContext } from '../kernel/context';
import { allowDigests, changeSubscription, deleteSubscription, digestAllowances, isAllowedDigests, subscriptionOf } from './repository';
import type { Caller } from '../conversation/user';
import { BoroughId, boroughById, findBorough } from '../common/borough';
import { mayReceiveDigests } from './rules/digest';
import { currentWeek, DEFAULT_SCHEDULE, WEEKDAY_NAMES } from './rules/digestSchedule';
import { timeZoneLabel } from '../common/dates';
import { splitMulti } from '../common/formErrors';
import { EntraObjectId } from '../common/member';
import { channelNamer } from '../channels/lookup';
import { allMappings, mappingOf } from '../channels/repository';
import { digestSettingsCard } from '../../cards/digestSettings';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { buildThemeDigest } from './build';
import { DigestSubscription, LocalTime, type DigestDestination } from './model';
import { DigestSources } from './sources';
import { DIGEST_VERBS } from './verbs';
import { activeMembers, findActiveMember } from '../directory/repository';

/**
 * `digest settings` and `digest now`: a person's subscription (themes,
 * boroughs, weekday and time, personal chat or a mapped channel), and a
 * preview of the current week so far.
 */

const notRegistered = () =>
  messageCard({ title: 'You are not registered with Concordat yet', text: 'Ask your Concordat administrator to add you.', tone: 'warning' });
const notAllowed = () =>
  messageCard({
    title: 'Digests are for theme leads',
    text: 'Weekly digests go to theme leads and to people an administrator has allowed. Ask your Concordat administrator.',
    tone: 'warning',
  });

type Registered = Caller & { aadObjectId: string; member: NonNullable<Caller['member']>; organisation: NonNullable<Caller['organisation']> };

async function access(ctx: AppContext, caller: Caller): Promise<Registered | AdaptiveCard> {
  if (!caller.aadObjectId || !caller.member || !caller.organisation) return notRegistered();
  const allowed = await isAllowedDigests(ctx, caller.aadObjectId);
  if (!mayReceiveDigests(caller.member.roles, allowed)) return notAllowed();
  return caller as Registered;
}
const isCard = (x: unknown): x is AdaptiveCard => (x as AdaptiveCard).type === 'AdaptiveCard';

const destinationValue = (d: DigestDestination) => (d.kind === 'personal' ? 'personal' : `channel:${d.conversationId}`);

async function destinationChoices(ctx: AppContext) {
  const mappings = await allMappings(ctx);
  const nameOf = await channelNamer(ctx);
  return [
    { title: 'My personal chat with Concordat', value: 'personal' },
    ...mappings.map((m) => ({ title: `Channel: ${nameOf(m)}, for ${m.boroughs.map((b) => boroughById(b).name).join(', ')}`, value: `channel:${m.conversationId}` })),
  ];
}

async function settingsCard(
  ctx: AppContext,
  caller: Registered,
  extra: { status?: { text: string; tone: 'good' | 'attention' }; errors?: Record<string, string>; selected?: { themes: string[]; boroughs: string[]; day: string; time: string; destination: string } } = {},
): Promise<AdaptiveCard> {
  const [sub, themes, destinations] = await Promise.all([
    subscriptionOf(ctx, caller.aadObjectId),
    allThemes(ctx),
    destinationChoices(ctx),
  ]);
  const s = sub;
  const selected = extra.selected ?? {
    themes: s?.themes ?? caller.member.leadsThemes,
    boroughs: s?.boroughs ?? caller.organisation.boroughs,
    day: String(s?.day ?? DEFAULT_SCHEDULE.day),
    time: s?.time ?? DEFAULT_SCHEDULE.time,
    destination: s ? destinationValue(s.destination) : 'personal',
  };
  let allowable: { title: string; value: string }[] | undefined;
  if (caller.member.roles.includes('admin')) {
    const [members, allowed] = await Promise.all([activeMembers(ctx), digestAllowances(ctx)]);
    const already = new Set(allowed.map((a) => a.aadObjectId));
    allowable = members
      .filter((m) => !mayReceiveDigests(m.roles, already.has(m.aadObjectId)))
      .map((m) => ({ title: m.displayName, value: m.aadObjectId }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }
  return digestSettingsCard({
    subtitle: s
      ? `You receive ${s.themes.length === 1 ? 'one card' : `${s.themes.length} cards`} every ${WEEKDAY_NAMES[s.day - 1]} at ${s.time} (${timeZoneLabel(s.timeZone)}).`
      : 'Choose what your weekly digest covers and when it arrives. Default: Monday 08:00.',
    status: extra.status,
    themes: themes.map((t) => ({ title: t.name, value: t.id })),
    selected,
    dayChoices: WEEKDAY_NAMES.map((n, i) => ({ title: n, value: String(i + 1) })),
    destinations,
    errors: extra.errors ?? {},
    subscribed: s !== undefined,
    allowable,
  });
}

export async function openDigestSettings(ctx: AppContext, caller: Caller): Promise<AdaptiveCard> {
  const who = await access(ctx, caller);
  return isCard(who) ? who : settingsCard(ctx, who);
}

const RawSettings = z.object({
  themes: z.string().optional(),
  boroughs: z.string().optional(),
  day: z.string().optional(),
  time: z.string().optional(),
  destination: z.string().optional(),
}).passthrough();

export async function saveDigestSettings(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  const who = await access(ctx, caller);
  if (isCard(who)) return who;
  const raw = RawSettings.catch({}).parse(data);
  const knownThemes = new Set((await allThemes(ctx)).map((t) => t.id));
  const themes = splitMulti(raw.themes).filter((t) => knownThemes.has(t));
  const boroughs = splitMulti(raw.boroughs).filter((b) => BoroughId.safeParse(b).success) as BoroughId[];
  const day = Number(raw.day ?? DEFAULT_SCHEDULE.day);
  const time = (raw.time ?? '').slice(0, 5);
  const destinationRaw = raw.destination || 'personal';
  const errors: Record<string, string> = {};
  if (themes.length === 0) errors.themes = 'Choose at least one theme';
  if (boroughs.length === 0) errors.boroughs = 'Choose at least one borough';
  if (!LocalTime.safeParse(time).success) errors.time = 'Enter a time such as 08:00';
  let destination: DigestDestination = { kind: 'personal' };
  if (destinationRaw.startsWith('channel:')) {
    const conversationId = destinationRaw.slice('channel:'.length);
    const mapped = await mappingOf(ctx, conversationId);
    if (mapped) destination = { kind: 'channel', conversationId };
    else errors.destination = 'That channel is not mapped any more: choose another';
  }
  const selected = { themes, boroughs, day: String(day), time: raw.time ?? '', destination: destinationRaw };
  if (!Number.isInteger(day) || day < 1 || day > 7) errors.time = 'Choose a day';
  if (Object.keys(errors).length > 0) return settingsCard(ctx, who, { errors, selected });

  const now = ctx.clock().toISOString();
  await changeSubscription(ctx, who.aadObjectId, (current) =>
    DigestSubscription.parse({
      owner: who.aadObjectId,
      organisationId: who.organisation.id,
      themes,
      boroughs,
      day,
      time,
      timeZone: current?.timeZone ?? ctx.config.timeZone ?? DEFAULT_SCHEDULE.timeZone,
      destination,
      // Kept across changes: a changed day or time never makes an earlier week due again (deliveries are keyed by week).
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      ...(current?.lastWeek ? { lastWeek: current.lastWeek } : {}),
    }),
  );
  ctx.log.info('digest subscription saved', { owner: who.aadObjectId, themes, boroughs, day, time, destination: destination.kind });
  return settingsCard(ctx, who, {
    status: { text: `Saved: ${themes.length === 1 ? 'one card' : `${themes.length} cards`} every ${WEEKDAY_NAMES[day - 1]} at ${time}.`, tone: 'good' },
  });
}

export async function stopDigests(ctx: AppContext, caller: Caller): Promise<AdaptiveCard> {
  const who = await access(ctx, caller);
  if (isCard(who)) return who;
  await deleteSubscription(ctx, who.aadObjectId);
  return messageCard({ title: 'Weekly digests stopped', text: 'You will not receive weekly digests. Type **digest settings** to start again.', tone: 'good' });
}

export async function allowDigestMember(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  const who = await access(ctx, caller);
  if (isCard(who)) return who;
  if (!who.member.roles.includes('admin')) return messageCard({ title: 'Only administrators allow digests', text: 'Ask your Concordat administrator.', tone: 'warning' });
  const id = EntraObjectId.safeParse((data as { allowMember?: unknown } | null)?.allowMember);
  const member = id.success ? await findActiveMember(ctx, id.data) : undefined;
  if (!member) return settingsCard(ctx, who, { status: { text: 'Choose a member to allow.', tone: 'attention' } });
  await allowDigests(ctx, { aadObjectId: member.aadObjectId, allowedBy: who.aadObjectId, at: ctx.clock().toISOString() });
  ctx.log.info('digest allowed', { member: member.aadObjectId, by: who.aadObjectId });
  return settingsCard(ctx, who, { status: { text: `${member.displayName} may now receive weekly digests (they choose them with digest settings).`, tone: 'good' } });
}

/**
 * `digest now [theme] [borough]`: the current week so far for one theme of
 * the caller's subscription (or of their defaults), with a button to the
 * next theme.
 */
export async function digestNow(ctx: AppContext, caller: Caller, args: string, data?: unknown): Promise<AdaptiveCard> {
  const who = await access(ctx, caller);
  if (isCard(who)) return who;
  const [sub, themes] = await Promise.all([
    subscriptionOf(ctx, who.aadObjectId),
    allThemes(ctx),
  ]);
  const themeIds = themes.map((t) => t.id);
  const mine = (sub?.themes ?? who.member.leadsThemes).filter((t) => themeIds.includes(t));
  const choices = mine.length ? mine : themeIds.slice(0, 1);
  const words = args.toLowerCase().split(/\s+/).filter(Boolean);
  const asked = typeof (data as { theme?: unknown } | undefined)?.theme === 'string' ? String((data as { theme: string }).theme) : undefined;
  const named = themes.find((t) => words.some((w) => t.id === w || t.id.startsWith(w) || t.name.toLowerCase().split(/\W+/).includes(w)))?.id;
  const themeId = [asked, named].find((t) => t && themeIds.includes(t)) ?? choices[0];
  if (!themeId) return messageCard({ title: 'No themes configured', text: 'Ask your Concordat administrator to set up the themes.', tone: 'warning' });
  const boroughsNamed = words.map((w) => findBorough(w)?.id).filter((b): b is BoroughId => b !== undefined);
  const boroughs = boroughsNamed.length ? boroughsNamed : (sub?.boroughs ?? who.organisation.boroughs);
  const timeZone = sub?.timeZone ?? ctx.config.timeZone;
  const { weekMonday } = currentWeek(ctx.clock(), timeZone);
  const next = choices[(choices.indexOf(themeId) + 1) % choices.length];
  const nextName = themes.find((t) => t.id === next)?.name;
  const built = await buildThemeDigest(ctx, new DigestSources(ctx), {
    themeId,
    boroughs,
    weekMonday,
    preview: true,
    timeZone,
    extraButtons: next && next !== themeId && nextName ? [{ title: `Preview: ${nextName}`.slice(0, 40), verb: DIGEST_VERBS.now, data: { theme: next } }] : [],
  });
  return built?.card ?? messageCard({ title: 'No such theme', text: 'Choose a theme in **digest settings**.', tone: 'warning' });
}
