import { describe, expect, it } from 'vitest';
import { JointOperation } from '../bot/operations/model';
import type { Directory } from '../bot/operations/repository';
import {
  changeCard,
  channelCard,
  detailCard,
  outcomesCard,
  outcomesDueChannelCard,
  participantNoticeCard,
  reminderCard,
  scheduleFormCard,
  upcomingListCard,
} from '../bot/operations/views';
import { DEMO_MEMBERS, DEMO_ORGANISATIONS } from './support/demoDirectory';
import { cardBytes, CARD_BYTE_BUDGET, type AdaptiveCard } from '../cards/render';
import { textOfCard } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';

const TZ = 'Europe/London';
const dir: Directory = {
  organisations: new Map(DEMO_ORGANISATIONS.map((o) => [o.id, o])),
  members: new Map(DEMO_MEMBERS.map((m) => [m.aadObjectId, m])),
};
const [PRIYA, TOM, HELEN, DAN, AISHA] = DEMO_MEMBERS;
const BRIEFING = 'Entry team at the back door of the north block.';
const op = JointOperation.parse({
  id: 'OP-STO-7K3Q9M', name: 'Brinnington day of action', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
  startsAt: '2026-12-05T09:00:00.000Z', endsAt: '2026-12-05T15:00:00.000Z', leadOrganisationId: 'gmp', partnerOrganisationIds: ['stockport-homes'],
  participants: [PRIYA!.aadObjectId, AISHA!.aadObjectId], coordinator: TOM!.aadObjectId, briefing: BRIEFING, linkedIncidents: ['STO-2026-000123'],
  reminderOffsetsMin: [10080, 1440, 120], outcomesAfterMin: 1440, status: 'scheduled',
});
const completed = JointOperation.parse({
  ...op, status: 'completed',
  outcomes: { arrests: 6, warrantsExecuted: 2, premisesClosed: 1, vehiclesSeized: 3, referrals: 4, notes: 'Closure notice served.', recordedBy: TOM!.aadObjectId, recordedAt: '2026-12-06T10:00:00.000Z' },
});
const cancelled = JointOperation.parse({ ...op, status: 'cancelled', cancelledAt: '2026-12-01T10:00:00.000Z', cancelReason: 'Warrant refused', version: 2 });
const before = new Date('2026-12-04T09:00:00Z');
const after = new Date('2026-12-06T16:00:00Z');

const cards: Record<string, AdaptiveCard> = {
  'schedule form': scheduleFormCard(dir, TZ, before, { caller: TOM }),
  'schedule form with errors': scheduleFormCard(dir, TZ, before, {
    submissionId: '6f1c2a4e-3b5d-4c7e-9f10-112233445566',
    values: { name: 'x', type: 'warrant', borough: 'stockport', area: '', startDate: '2026-03-29', startTime: '01:30', endDate: '', endTime: '', lead: 'gmp', partners: 'gmp', participants: '', briefing: '', incidents: 'nope', reminders: '10080', outcomesAfter: '1440' },
    errors: { name: 'too short', area: 'name the area', startTime: 'does not exist', endDate: 'choose a date', partners: 'lead twice', participants: 'choose', incidents: 'bad reference' },
    notice: 'Some details need attention.',
  }),
  'channel card': channelCard(op, dir, TZ, before),
  'channel card, cancelled': channelCard(cancelled, dir, TZ, before),
  'channel card, completed': channelCard(completed, dir, TZ, after),
  'detail, coordinator in private': detailCard(op, dir, TZ, before, { member: TOM, privateChat: true }, { heading: 'Scheduled', tone: 'good', notices: [{ text: 'Sent.', tone: 'default' }] }),
  'detail, lead after the end': detailCard(op, dir, TZ, after, { member: TOM, privateChat: true }),
  'detail, outsider': detailCard(op, dir, TZ, before, { member: HELEN, privateChat: true }),
  'detail, admin in a channel': detailCard(op, dir, TZ, before, { member: DAN, privateChat: false }),
  'reminder, personal, late': reminderCard(op, dir, TZ, before, { late: true, audience: 'personal' }),
  'reminder, channel fallback': reminderCard(op, dir, TZ, before, { late: false, audience: 'channel' }),
  'notice, scheduled': participantNoticeCard(op, dir, TZ, before, 'scheduled'),
  'notice, moved': participantNoticeCard(op, dir, TZ, before, 'rescheduled', { startsAt: op.startsAt, endsAt: op.endsAt }),
  'notice, cancelled': participantNoticeCard(cancelled, dir, TZ, before, 'cancelled'),
  'outcomes form': outcomesCard(op, TZ, { late: true }),
  'outcomes form with errors': outcomesCard(completed, TZ, {
    values: { arrests: 'six', warrantsExecuted: '2', premisesClosed: '', vehiclesSeized: '3', referrals: '4', notes: '' },
    errors: { arrests: 'a whole number', premisesClosed: 'enter a number' },
    notice: 'Some numbers need attention.',
  }),
  'outcomes due, channel': outcomesDueChannelCard(op, dir, TZ, after, true),
  'move or cancel': changeCard(op, TZ),
  'move or cancel with errors': changeCard(op, TZ, {
    values: { startDate: '2026-12-12', startTime: '10:00', endDate: '2026-12-12', endTime: '09:00', reason: '' },
    errors: { endTime: 'it must end after it starts' },
    notice: 'Some details need attention.',
  }),
  'list': upcomingListCard([op, completed], dir, TZ, 'Stockport'),
  'empty list': upcomingListCard([], dir, TZ, 'Salford'),
};

describe('joint-operation cards', () => {
  it.each(Object.entries(cards))('%s validates against Adaptive Cards 1.5 and stays small', (_name, card) => {
    expect(validateAdaptiveCard(card, '1.5')).toEqual([]);
    expect(card.version).toBe('1.5');
    expect(cardBytes(card)).toBeLessThan(CARD_BYTE_BUDGET);
  });

  it('cards for channels and reminders carry no names, briefing or linked incidents', () => {
    for (const name of ['channel card', 'channel card, cancelled', 'channel card, completed', 'reminder, personal, late', 'reminder, channel fallback', 'detail, outsider', 'detail, admin in a channel', 'outcomes due, channel', 'list']) {
      const text = JSON.stringify(cards[name]);
      expect(text, name).not.toContain(BRIEFING);
      expect(text, name).not.toContain('Priya');
      expect(text, name).not.toContain('STO-2026-000123');
    }
    expect(textOfCard(cards['detail, coordinator in private'])).toContain(BRIEFING);
    expect(textOfCard(cards['reminder, personal, late'])).toContain('This reminder is late: Concordat was unavailable');
  });

  it('only the manager sees "Move or cancel", and only the lead "Record outcomes" once it has started', () => {
    const verbs = (c: AdaptiveCard) => ((c.actions ?? []) as { verb: string }[]).map((a) => a.verb);
    expect(verbs(cards['detail, coordinator in private']!)).toEqual(['operation.change']);
    expect(verbs(cards['detail, lead after the end']!)).toEqual(['operation.outcomesForm']);
    expect(verbs(cards['detail, outsider']!)).toEqual([]);
    expect(verbs(cards['detail, admin in a channel']!)).toEqual([]);
  });
});
