import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AISHA, DAN, MARIA, PRIYA, SAM, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { checkedCard, replyCard, reportIncident } from './support/botTurns';
import { auditOf } from './support/audit';

/**
 * An attacker's look at `audit <subject>`: the ~31 partners are separate organisations and incident details are
 * criminal-offence data. A data protection officer reads the trails of what their organisation may see; a trail
 * names who read or changed a subject, so another organisation's unshared incident, or another organisation's
 * member, is not theirs to read. A refused subject gets the answer a subject with nothing logged gets (so it does
 * not say whether it exists), and the refusal is logged.
 */

type User = typeof PRIYA;
let bot: BotHarness;
const store = () => bot.runtime.ctx.store;
const START = new Date('2026-11-25T10:00:00Z');

/** Aisha is Salix Homes' data protection officer; Priya reports for Stockport Homes. */
beforeAll(async () => {
  bot = await startBotHarness({ start: START });
}, 60_000);
afterAll(async () => bot?.close());

async function makeDpo(user: User): Promise<void> {
  const { findMember, putMember } = await import('../bot/directory/repository');
  const found = await findMember(bot.runtime.ctx, user.aadObjectId);
  await putMember(bot.runtime.ctx, { ...found!.value, roles: [...new Set([...found!.value.roles, 'dpo' as const])] }, found);
}

const audit = async (user: User, args: string): Promise<any> => checkedCard(await replyCard(bot, user, `audit ${args}`));
/** The card's text with the subject's id taken out, to compare two subjects' answers. */
const answerWithout = (card: any, id: string) => textOfCard(card).split(id).join('<subject>');

describe('the audit trail is read only by a data protection officer whose organisation may see the subject', () => {
  let unshared: string; // Stockport Homes' report, shared with the police only
  let shared: string; // Stockport Homes' report shared with Salix Homes

  beforeAll(async () => {
    await makeDpo(AISHA);
    unshared = await reportIncident(bot, PRIYA, { sharedWith: 'gmp' });
    shared = await reportIncident(bot, PRIYA, { sharedWith: 'gmp,salix-homes' });
  }, 120_000);

  it('a DPO of another organisation cannot read the trail of an incident not shared with theirs (same answer as nothing logged; refusal audited)', async () => {
    const before = await auditOf(store(), `incident:${unshared}`);
    const card = await audit(AISHA, unshared);
    const text = textOfCard(card);
    expect(text).not.toContain('Priya Shah');
    expect(text).not.toContain('Stockport Homes');
    expect(text).toContain('Nothing is logged for it');

    // The same answer as a reference nobody ever used.
    const invented = 'STO-2026-999999';
    expect(answerWithout(card, unshared)).toEqual(answerWithout(await audit(AISHA, invented), invented));
    expect(await auditOf(store(), `incident:${invented}`)).toEqual([]); // no trail made up for an invented subject

    const after = await auditOf(store(), `incident:${unshared}`);
    const added = after.slice(before.length);
    // Aisha's look is not logged as a consultation of the incident; it is logged, once, as a refusal.
    expect(added.filter((e) => e.action === 'consultation')).toEqual([]);
    expect(added.map((e) => [e.action, e.actor.aadObjectId, e.actor.organisationId])).toEqual([['refusal', AISHA.aadObjectId, 'salix-homes']]);
    expect(added[0]!.note).toContain('audit trail refused');

    // Asking again in the hour logs nothing more.
    await audit(AISHA, unshared);
    expect((await auditOf(store(), `incident:${unshared}`)).length).toBe(after.length);
  });

  it('a DPO whose organisation the incident was shared with can read it', async () => {
    const text = textOfCard(await audit(AISHA, shared));
    expect(text).toContain('Priya Shah, Stockport Homes');
    expect(text).toContain('Looked at');
    const reviews = (await auditOf(store(), `incident:${shared}`)).filter((e) => e.actor.aadObjectId === AISHA.aadObjectId);
    expect(reviews.map((e) => [e.action, e.justification])).toEqual([['consultation', 'audit log review by a data protection officer']]);
  });

  it('an administrator reads any trail', async () => {
    const text = textOfCard(await audit(DAN, unshared));
    expect(text).toContain('Priya Shah, Stockport Homes');
    // Aisha's refused attempt is on it, for the administrator to see.
    expect(text).toContain('Aisha Rahman, Salix Homes');
  });

  it("a DPO cannot read the trail of another organisation's member", async () => {
    const card = await audit(AISHA, `member ${PRIYA.aadObjectId}`);
    const text = textOfCard(card);
    expect(text).toContain('Nothing is logged for it');
    expect(text).not.toContain('Looked at');
    const invented = '00000000-0000-4000-8000-0000000000ee';
    expect(answerWithout(card, PRIYA.aadObjectId)).toEqual(answerWithout(await audit(AISHA, `member ${invented}`), invented));
    expect((await auditOf(store(), `member:${PRIYA.aadObjectId}`)).filter((e) => e.actor.aadObjectId === AISHA.aadObjectId)).toEqual([]);
    expect(await auditOf(store(), `member:${invented}`)).toEqual([]);
    // A member of her own organisation she may read.
    expect(textOfCard(await audit(AISHA, `member ${AISHA.aadObjectId}`))).toContain('Looked at');
  });

  it('a DPO reads the trail of a request to join their organisation, not of a request to join another', async () => {
    const { putRequest } = await import('../bot/directory/repository');
    const { auditDirectory } = await import('../bot/directory/audit');
    await putRequest(bot.runtime.ctx, {
      aadObjectId: SAM.aadObjectId,
      tenantId: '00000000-0000-4000-8000-0000000c0dec',
      displayName: SAM.name,
      organisationId: 'stockport-homes',
      routedTo: 'organisation',
      role: 'staff',
      reason: 'I work ASB cases on the Brinnington estate',
      requestedAt: START.toISOString(),
      status: 'pending',
    });
    await auditDirectory(bot.runtime.ctx, { action: 'collection', actor: { aadObjectId: SAM.aadObjectId }, subject: { type: 'access-request', id: SAM.aadObjectId }, note: 'asked to join stockport-homes as staff' });
    const refused = textOfCard(await audit(AISHA, `access-request ${SAM.aadObjectId}`));
    expect(refused).toContain('Nothing is logged for it');
    expect(refused).not.toContain('Sam Newton');
    await makeDpo(MARIA); // Stockport Homes' approver, and now its data protection officer
    expect(textOfCard(await audit(MARIA, `access-request ${SAM.aadObjectId}`))).toContain('asked to join stockport-homes');
  });
});
