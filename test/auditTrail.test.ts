import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../bot/audit/repository';
import { parseAuditSubject } from '../bot/audit/trail';
import type { StorageProxy } from '../scripts/bench/support/storageProxy';
import { auditOf } from './support/audit';
import { DAN, PRIYA, textOfCard, TOM, type BotHarness } from './support/botHarness';
import { alteredToken, checkedCard, pressButton, replyCard, startBotBehindProxy } from './support/botTurns';
import { ALERTS_CHANNEL, inChannel, installAndMapChannel } from './support/teamSetup';

const NOW = new Date('2026-11-25T10:00:00Z');
const SUBJECT = 'OP-STO-7K3Q9M';

let bot: BotHarness;
let proxy: StorageProxy;

const seqs = (card: unknown) => (textOfCard(card).match(/#\d+ ·/g) ?? []).map((s) => Number(s.slice(1, -2)));
const moreOf = (card: any): string | undefined => card.actions?.find((a: any) => a.title === 'More')?.data.more;

const ask = async (user: typeof PRIYA, text: string): Promise<any> => checkedCard(await replyCard(bot, user, text));
const press = async (user: typeof PRIYA, data: Record<string, unknown>): Promise<any> => checkedCard(await pressButton(bot, user, 'audit.trail', data));

beforeAll(async () => {
  ({ bot, proxy } = await startBotBehindProxy({ start: NOW }));
  // 23 events on one operation's trail, some with every field at its longest (the card must still fit a phone and 28 KB).
  for (let i = 1; i <= 23; i++) {
    const long = i % 4 === 0;
    await appendAudit(bot.runtime.ctx, {
      id: `seed-${i}-0000`,
      at: new Date(NOW.getTime() - (24 - i) * 3600_000).toISOString(),
      action: i % 3 === 0 ? 'disclosure' : i % 3 === 1 ? 'consultation' : 'alteration',
      actor: i % 5 === 0 ? { aadObjectId: 'system' } : { aadObjectId: i % 2 ? TOM.aadObjectId : PRIYA.aadObjectId, organisationId: i % 2 ? 'gmp' : 'stockport-homes' },
      subject: { type: 'operation', id: SUBJECT },
      ...(i % 3 !== 2 ? { justification: long ? 'j'.repeat(500) : `reason ${i}` } : {}),
      ...(i % 3 === 0 ? { recipients: long ? Array.from({ length: 30 }, (_, k) => `organisation-${k}`) : ['salix-homes'] } : {}),
      note: long ? 'n'.repeat(300) : `event ${i}`,
    });
  }
}, 120_000);

afterAll(async () => bot?.close());

describe('the audit trail, for a data protection officer', () => {
  it('reads a subject named as a reference, an operation id, or a kind and an id', () => {
    expect(parseAuditSubject('sto-2026-000123')).toEqual({ type: 'incident', id: 'STO-2026-000123' });
    expect(parseAuditSubject('OP-STO-7K3Q9M')).toEqual({ type: 'operation', id: 'OP-STO-7K3Q9M' });
    expect(parseAuditSubject('member 00000000-0000-4000-8000-000000000002')).toEqual({ type: 'member', id: '00000000-0000-4000-8000-000000000002' });
    expect(parseAuditSubject('alert')).toBeUndefined();
    expect(parseAuditSubject('nonsense here')).toBeUndefined();
  });

  it('pages newest first, ten events a turn; "More" goes on below the last one shown, with no repeat and no gap, and the review itself is logged', async () => {
    const first = await ask(DAN, `audit ${SUBJECT}`);
    expect(textOfCard(first)).toContain(`Audit trail: operation ${SUBJECT}`);
    // Dan's own look is logged first (#24), then the newest nine.
    expect(seqs(first)).toEqual([24, 23, 22, 21, 20, 19, 18, 17, 16, 15]);
    expect(textOfCard(first)).toContain('Looked at');
    expect(textOfCard(first)).toContain('Dan Whitworth, Stockport Council');
    expect(textOfCard(first)).toContain('Concordat (automatic)');
    const second = await press(DAN, { more: moreOf(first) });
    expect(seqs(second)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    const third = await press(DAN, { more: moreOf(second) });
    expect(seqs(third)).toEqual([4, 3, 2, 1]);
    expect(moreOf(third)).toBeUndefined();

    const reviews = (await auditOf(bot.runtime.ctx.store, `operation:${SUBJECT}`)).filter((e) => e.actor.aadObjectId === DAN.aadObjectId);
    expect(reviews.map((e) => [e.action, e.justification, e.note])).toEqual([
      ['consultation', 'audit log review by a concordat administrator', 'audit trail viewed'],
      ['consultation', 'audit log review by a concordat administrator', 'older audit events viewed'],
      ['consultation', 'audit log review by a concordat administrator', 'older audit events viewed'],
    ]);
  });

  it('is refused to partner staff, in a channel, and with another person\'s or an edited token', async () => {
    const staff = await ask(PRIYA, `audit ${SUBJECT}`);
    expect(textOfCard(staff)).toContain('Only a data protection officer can read the audit log');
    expect(textOfCard(staff)).not.toContain('#1 ·');

    await installAndMapChannel(bot);
    const res = await bot.post(
      (await import('./support/botHarness')).activityFrom(bot.connector.serviceUrl, DAN, inChannel(ALERTS_CHANNEL.id), { type: 'message', text: `audit ${SUBJECT}` }),
    );
    expect(res.status).toBe(200);
    const inTeam = bot.connector.sent.filter((a) => a.conversationId === ALERTS_CHANNEL.id).map((a) => JSON.stringify(a.activity)).join('\n');
    expect(inTeam).not.toContain('#1 ·');

    // Priya becomes the partnership's data protection officer: she may read, but not with Dan's button.
    const priya = (await bot.runtime.ctx.store.members.get({ partitionKey: 'member', rowKey: PRIYA.aadObjectId }))!;
    await bot.runtime.ctx.store.members.update({ ...priya.value, roles: ['staff', 'dpo'] }, priya.etag);
    const dans = await ask(DAN, `audit ${SUBJECT}`);
    const refused = await press(PRIYA, { more: moreOf(dans) });
    expect(textOfCard(refused)).toContain('could not be used (it was out of date, made for someone else, or changed)');
    expect(seqs(refused)).toEqual([]);
    const edited = await press(DAN, { more: alteredToken(moreOf(dans)!) });
    expect(textOfCard(edited)).toContain('could not be used');
    expect(seqs(edited)).toEqual([]);

    const own = await ask(PRIYA, `audit ${SUBJECT}`);
    expect(textOfCard(own)).toContain('Priya Shah, Stockport Homes');
    expect((await auditOf(bot.runtime.ctx.store, `operation:${SUBJECT}`)).at(-1)).toMatchObject({
      actor: { aadObjectId: PRIYA.aadObjectId },
      justification: 'audit log review by a data protection officer',
    });
  });

  it("an edited \"More\" button, or someone else's, shows nothing of the trail and is audited once an hour as a refusal of the button", async () => {
    const refusalsOf = async (user: typeof PRIYA) =>
      (await auditOf(bot.runtime.ctx.store, `route:action:audit.trail`)).filter((e) => e.action === 'refusal' && e.actor.aadObjectId === user.aadObjectId);
    const before = { dan: (await refusalsOf(DAN)).length, priya: (await refusalsOf(PRIYA)).length };
    // An hour on from the earlier tests' presses: a new window for each caller.
    bot.now.value = new Date(NOW.getTime() + 2 * 3600_000);
    try {
      const trailBefore = (await auditOf(bot.runtime.ctx.store, `operation:${SUBJECT}`)).length;
      const dans = await ask(DAN, `audit ${SUBJECT}`);
      const token = moreOf(dans)!;
      for (let i = 0; i < 3; i++) {
        // Priya (a data protection officer since the test above) with Dan's button; Dan with his button edited.
        for (const [user, more] of [[PRIYA, token], [DAN, alteredToken(token)]] as const) {
          const card = await press(user, { more });
          expect(textOfCard(card)).toContain('could not be used');
          expect(seqs(card)).toEqual([]);
          expect(textOfCard(card)).not.toContain('Tom Bradley');
          expect(textOfCard(card)).not.toContain(SUBJECT);
        }
      }
      const priya = (await refusalsOf(PRIYA)).slice(before.priya);
      const dan = (await refusalsOf(DAN)).slice(before.dan);
      expect(priya).toHaveLength(1);
      expect(dan).toHaveLength(1);
      expect(priya[0]!.note).toContain('audit trail page refused');
      expect(dan[0]!.note).toContain('audit trail page refused');
      // Nothing was read, so nothing is logged on the subject's trail but Dan's own look at it.
      expect((await auditOf(bot.runtime.ctx.store, `operation:${SUBJECT}`)).length).toBe(trailBefore + 1);
    } finally {
      bot.now.value = NOW;
    }
  });

  it("a data protection officer's own \"More\" on a person's trail, after that person has left their organisation, shows nothing more and is audited once as a refusal of the button", async () => {
    const OLLY = '00000000-0000-4000-8000-0000000000c1';
    await bot.runtime.ctx.store.members.upsert({ aadObjectId: OLLY, displayName: 'Olly Grant', organisationId: 'stockport-homes', roles: ['staff'] });
    for (let i = 1; i <= 12; i++) {
      await appendAudit(bot.runtime.ctx, { id: `olly-${i}-0000`, at: new Date(NOW.getTime() - i * 60_000).toISOString(), action: 'alteration', actor: { aadObjectId: DAN.aadObjectId }, subject: { type: 'member', id: OLLY }, note: `roles changed ${i}` });
    }
    bot.now.value = new Date(NOW.getTime() + 4 * 3600_000);
    try {
      // Priya, Stockport Homes' data protection officer (since the test above), reads the trail of one of its people.
      const first = await ask(PRIYA, `audit member ${OLLY}`);
      expect(seqs(first).length).toBe(10);
      const more = moreOf(first)!;
      // Olly moves to Salix Homes: his trail is no longer Stockport Homes' to read.
      const olly = (await bot.runtime.ctx.store.members.get({ partitionKey: 'member', rowKey: OLLY }))!;
      await bot.runtime.ctx.store.members.update({ ...olly.value, organisationId: 'salix-homes' }, olly.etag);
      const routes = async () => (await auditOf(bot.runtime.ctx.store, 'route:action:audit.trail')).filter((e) => e.actor.aadObjectId === PRIYA.aadObjectId && e.note?.includes('member'));
      const before = (await routes()).length;
      for (let i = 0; i < 3; i++) {
        const card = await press(PRIYA, { more });
        expect(seqs(card)).toEqual([]);
        expect(textOfCard(card)).not.toContain('roles changed');
      }
      expect((await routes()).length - before).toBe(1);
    } finally {
      bot.now.value = NOW;
    }
  });

  it('costs a bounded number of storage requests per turn, however long the trail', async () => {
    const first = await ask(DAN, `audit ${SUBJECT}`);
    const before = proxy.snapshot().total;
    await press(DAN, { more: moreOf(first) });
    const perTurn = proxy.snapshot().total - before;
    // The caller and their organisation, the review's audit write, one range read, the names of the page's people.
    expect(perTurn).toBeLessThanOrEqual(16);
    for (let i = 0; i < 60; i++) {
      await appendAudit(bot.runtime.ctx, { id: `more-${i}-0000`, at: NOW.toISOString(), action: 'alteration', actor: { aadObjectId: TOM.aadObjectId }, subject: { type: 'operation', id: SUBJECT } });
    }
    const again = await ask(DAN, `audit ${SUBJECT}`);
    const start = proxy.snapshot().total;
    await press(DAN, { more: moreOf(again) });
    // Only the people named on the page add reads (their names: two point reads each), never the trail's length.
    expect(proxy.snapshot().total - start).toBeLessThanOrEqual(perTurn);
  }, 60_000);
});
