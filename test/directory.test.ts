/**
 * The partnership as configuration: `npm run directory -- plan|apply FILE`.
 *
 * A deployment starts with an empty store. Applying a partnership file
 * creates its boroughs, themes, organisations, named people and
 * administrators as one directory version; a later file's plan shows what
 * it adds, changes and retires, and apply makes exactly that change, all or
 * nothing, audited as one event. A broken file lists every error with its
 * path and changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDirectoryFile, planDirectoryFile } from '../bot/directory/apply';
import { findMember, loadDirectory, readHead } from '../bot/directory/repository';
import { allOrganisations, allThemes, organisationNames, themeById } from '../bot/referenceData';
import type { Store } from '../bot/store/store';
import { runDirectoryCli } from '../scripts/directory';
import { freshStore } from './support/storage';

const ROOT = path.resolve(__dirname, '..');
const DEMO_FILE = path.join(ROOT, 'env/partnership.demo.json');
const PLAN_2025_FILE = path.join(ROOT, 'env/partnership.2025-28.example.json');
const DAN = '00000000-0000-4000-8000-000000000004';
const MARIA = '00000000-0000-4000-8000-000000000009';
const KWAME = '00000000-0000-4000-8000-000000000007';
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

async function setup() {
  const { store, connectionString, prefix } = await freshStore();
  const now = { value: new Date('2026-11-25T10:00:00Z') };
  const ctx = { store, clock: () => now.value, config: { auditChainKey: '' } };
  const lines: string[] = [];
  const errors: string[] = [];
  const cli = (...argv: string[]) => runDirectoryCli(argv, ctx, { out: (l) => lines.push(l), err: (l) => errors.push(l) });
  return { store, ctx, now, lines, errors, cli, connectionString, prefix };
}

const directoryAudit = async (store: Store) =>
  (await store.audit.query("PartitionKey ge 'directory:' and PartitionKey lt 'directory;'")).flatMap((r) => (r.value.kind === 'event' ? [r.value.event] : []));

describe('npm run directory -- plan / apply: the demo file on an empty store', () => {
  it('plans every addition without writing anything, then applies exactly that as version 1, audited once with its actor', async () => {
    const { store, ctx, lines, cli } = await setup();
    expect(await cli('plan', DEMO_FILE)).toBe(0);
    expect(lines[0]).toBe(`Plan for ${DEMO_FILE} against directory version 0:`);
    expect(lines).toContain('  added    organisations city-west-housing');
    expect(lines).toContain('  added    themes prevent');
    expect(lines).toContain('  added    boroughs stockport');
    expect(lines).toContain(`  added    administrators ${DAN}`);
    expect(lines.some((l) => l.includes(`added    member Maria Lopez (${MARIA}, stockport-homes: staff, orgLead)`))).toBe(true);
    // Nothing written by a plan.
    expect(await readHead(ctx)).toBeUndefined();
    expect(await allOrganisations(ctx)).toEqual([]);
    expect(await findMember(ctx, MARIA)).toBeUndefined();

    lines.length = 0;
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    expect(lines[0]).toBe(`Applied ${DEMO_FILE}: directory version 1`);
    expect((await readHead(ctx))?.value).toMatchObject({ version: 1 });
    expect((await allOrganisations(ctx)).map((o) => o.id)).toContain('city-west-housing');
    expect((await allOrganisations(ctx)).find((o) => o.id === 'city-west-housing')?.tenantIds).toEqual(['c1700000-0000-4000-8000-00000000c1e5']);
    expect((await allThemes(ctx)).map((t) => t.id)).toEqual(['public-safety', 'vulnerable-people', 'organised-crime', 'transforming-justice', 'prevent']); // in the file's order
    expect((await findMember(ctx, DAN))?.value).toMatchObject({ organisationId: 'stockport-council', roles: ['staff', 'admin', 'themeLead'], leadsThemes: ['vulnerable-people'], source: 'file' });
    expect((await findMember(ctx, KWAME))?.value).toMatchObject({ organisationId: 'city-west-housing', tenantId: 'c1700000-0000-4000-8000-00000000c1e5' });
    const audit = await directoryAudit(store);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'alteration', actor: { aadObjectId: DAN }, subject: { type: 'directory', id: 'v1' } });
    expect(audit[0]!.note).toMatch(/added/);

    // Applying the same file again changes nothing and logs nothing.
    lines.length = 0;
    expect(await cli('plan', DEMO_FILE)).toBe(0);
    expect(lines).toEqual([`Plan for ${DEMO_FILE} against directory version 1:`, '  no changes']);
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    expect((await readHead(ctx))?.value.version).toBe(1);
    expect(await directoryAudit(store)).toHaveLength(1);
  });
});

describe('the 2025-28 plan: three themes replace five', () => {
  it('shows the diff (3 themes added, 5 retired, leads moved), applies it, and retired themes keep resolving by name', async () => {
    const { store, ctx, now, lines, cli } = await setup();
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    now.value = new Date('2026-12-01T09:00:00Z');
    lines.length = 0;
    expect(await cli('plan', PLAN_2025_FILE)).toBe(0);
    const plan = lines.slice(1).map((l) => l.trim());
    expect(plan.filter((l) => l.startsWith('added    themes')).sort()).toEqual(['added    themes protecting-people', 'added    themes reducing-reoffending', 'added    themes safer-streets']);
    expect(plan.filter((l) => l.startsWith('retired  themes')).sort()).toEqual([
      'retired  themes organised-crime',
      'retired  themes prevent',
      'retired  themes public-safety',
      'retired  themes transforming-justice',
      'retired  themes vulnerable-people',
    ]);
    expect(plan).toContain('changed  settings settings — hotspotRules');
    expect(plan).toContain('changed  name Greater Manchester crime concordat: community safety plan 2025-28 (example)');
    expect(plan.some((l) => l.startsWith('changed  member Dan Whitworth') && l.endsWith('— leadsThemes'))).toBe(true);
    expect(plan.some((l) => l.includes('organisations'))).toBe(false); // organisations untouched
    expect((await allThemes(ctx)).length).toBe(5); // still the plan, not applied

    expect(await cli('apply', PLAN_2025_FILE, '--as', DAN)).toBe(0);
    expect((await allThemes(ctx)).map((t) => t.name)).toEqual(['Safer Streets and Neighbourhoods', 'Protecting People from Harm', 'Reducing Reoffending']);
    expect(await themeById(ctx, 'prevent')).toMatchObject({ name: 'Radicalisation and Extremism (Prevent)', retiredAt: '2026-12-01T09:00:00.000Z' });
    expect((await findMember(ctx, DAN))?.value.leadsThemes).toEqual(['protecting-people']);
    expect((await loadDirectory(ctx)).version).toBe(2);
    expect((await directoryAudit(store)).map((e) => e.subject.id).sort()).toEqual(['v1', 'v2']);
  });

  it('retires an organisation dropped from the file (its name still resolves) and restores it when listed again', async () => {
    const { ctx } = await setup();
    const demo = readJson(DEMO_FILE);
    expect((await applyDirectoryFile(ctx, demo, { aadObjectId: DAN })).ok).toBe(true);
    const without = { ...demo, organisations: demo.organisations.filter((o: { id: string }) => o.id !== 'tame-valley-homes') };
    const plan = await planDirectoryFile(ctx, without);
    expect(plan.ok && plan.changes).toEqual([{ section: 'organisations', id: 'tame-valley-homes', change: 'retired' }]);
    expect((await applyDirectoryFile(ctx, without, { aadObjectId: DAN })).ok).toBe(true);
    expect((await allOrganisations(ctx)).some((o) => o.id === 'tame-valley-homes')).toBe(false);
    expect((await organisationNames(ctx)).get('tame-valley-homes')).toBe('Tame Valley Homes (demo)');
    const back = await applyDirectoryFile(ctx, demo, { aadObjectId: DAN });
    expect(back.ok && back.changes).toEqual([{ section: 'organisations', id: 'tame-valley-homes', change: 'restored' }]);
    expect((await allOrganisations(ctx)).some((o) => o.id === 'tame-valley-homes')).toBe(true);
  });
});

describe('a broken partnership file', () => {
  it('gets every error with its path, and nothing is applied', async () => {
    const { store, ctx, lines, errors, cli } = await setup();
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    const broken = readJson(PLAN_2025_FILE);
    broken.organisations[4].tenantIds[0] = 'bolton-at-home-tenant';
    broken.organisations[2].emailDomains.push('wlh.org.uk');
    broken.organisations[0].boroughs.push('atlantis');
    broken.themes[1].leads.push({ borough: 'stockport', person: '00000000-0000-4000-8000-0000000000aa' });
    broken.people[0].organisation = 'nobody-homes';
    broken.administrators.push('not-an-id');
    broken.settings.accessReview.deadlineDays = 0;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'concordat-')), 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    lines.length = 0;

    for (const command of ['plan', 'apply']) {
      errors.length = 0;
      expect(await cli(command, file, '--as', DAN)).toBe(1);
      // The schema's errors all at once: each with its path in the file.
      expect(errors.slice(1).map((e) => e.trim()).sort()).toEqual([
        'administrators[1]: not a GUID',
        'organisations[0].boroughs[10]: Invalid enum value. Expected \'bolton\' | \'bury\' | \'manchester\' | \'oldham\' | \'rochdale\' | \'salford\' | \'stockport\' | \'tameside\' | \'trafford\' | \'wigan\', received \'atlantis\'',
        'organisations[4].tenantIds[0]: not a GUID',
        'settings.accessReview.deadlineDays: Number must be greater than or equal to 1',
      ]);
      expect(errors[0]).toMatch(/4 errors; nothing (would change|changed)/);
    }
    // Fix the schema errors: the cross-references are then all reported together.
    broken.organisations[4].tenantIds[0] = '00000000-0000-4000-8000-0000000c0dec';
    broken.organisations[0].boroughs.pop();
    broken.administrators.pop();
    broken.settings.accessReview.deadlineDays = 14;
    const checked = await applyDirectoryFile(ctx, broken, { aadObjectId: DAN });
    expect(checked.ok ? [] : checked.errors.sort()).toEqual([
      'organisations[2].emailDomains[1]: e-mail domain "wlh.org.uk" is also organisations[2].emailDomains[0]',
      'people[0].organisation: no organisation "nobody-homes" in this file',
      'themes[1].leads[1].borough: lead for borough "stockport" is also themes[1].leads[0].borough',
      'themes[1].leads[1].person: no person 00000000-0000-4000-8000-0000000000aa in people',
    ]);
    // Nothing changed: still version 1 with the five themes, one audit row.
    expect((await readHead(ctx))?.value).toMatchObject({ version: 1 });
    expect((await allThemes(ctx)).length).toBe(5);
    expect(await directoryAudit(store)).toHaveLength(1);
  });
});

describe('all or nothing', () => {
  it('a crash after the new version is staged leaves readers on the old one; the next plan finishes it, logged once', async () => {
    const { store, ctx, now } = await setup();
    expect((await applyDirectoryFile(ctx, readJson(DEMO_FILE), { aadObjectId: DAN })).ok).toBe(true);
    now.value = new Date('2026-12-01T09:00:00Z');
    // The store fails the write that would make version 2 current.
    const update = store.directory.update.bind(store.directory);
    let failed = false;
    store.directory.update = (async (value: Parameters<typeof update>[0], etag: string) => {
      if (!failed && value.kind === 'head' && value.pending === undefined) {
        failed = true;
        throw new Error('storage went away');
      }
      return update(value, etag);
    }) as typeof store.directory.update;
    await expect(applyDirectoryFile(ctx, readJson(PLAN_2025_FILE), { aadObjectId: DAN })).rejects.toThrow('storage went away');
    expect((await readHead(ctx))?.value).toMatchObject({ version: 1, pending: 2 });
    expect((await allThemes(ctx)).length).toBe(5); // readers still see version 1 whole

    const plan = await planDirectoryFile(ctx, readJson(PLAN_2025_FILE));
    expect(plan.ok && plan.lines).toEqual(['no changes']); // the pending version was finished first
    expect((await readHead(ctx))?.value).toEqual({ kind: 'head', version: 2, updatedAt: '2026-12-01T09:00:00.000Z' });
    expect((await allThemes(ctx)).length).toBe(3);
    expect((await directoryAudit(store)).map((e) => e.subject.id).sort()).toEqual(['v1', 'v2']);
  });
});

describe('bulk onboarding: a CSV of people through the same plan / apply', () => {
  it('plans the people, applies them in one transaction, and refuses a file with a bad row whole', async () => {
    const { store, ctx, lines, errors, cli } = await setup();
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'concordat-'));
    const csv = path.join(dir, 'city-west.csv');
    writeFileSync(csv, [
      'aadObjectId,tenantId,displayName,jobTitle,roles',
      '00000000-0000-4000-8000-0000000000c1,c1700000-0000-4000-8000-00000000c1e5,Nadia Ashraf,Housing officer,staff',
      '00000000-0000-4000-8000-0000000000c2,c1700000-0000-4000-8000-00000000c1e5,Owen Price,Neighbourhood manager,staff;orgLead',
    ].join('\n'));
    lines.length = 0;
    expect(await cli('plan', csv, '--organisation', 'city-west-housing')).toBe(0);
    expect(lines.slice(1)).toEqual([
      '  added    member Nadia Ashraf (00000000-0000-4000-8000-0000000000c1, city-west-housing: staff)',
      '  added    member Owen Price (00000000-0000-4000-8000-0000000000c2, city-west-housing: staff, orgLead)',
    ]);
    expect(await findMember(ctx, '00000000-0000-4000-8000-0000000000c1')).toBeUndefined();
    expect(await cli('apply', csv, '--organisation', 'city-west-housing', '--as', DAN)).toBe(0);
    expect((await findMember(ctx, '00000000-0000-4000-8000-0000000000c2'))?.value).toMatchObject({ roles: ['staff', 'orgLead'], source: 'bulk' });
    expect((await directoryAudit(store)).some((e) => e.subject.id === 'people:city-west-housing' && e.actor.aadObjectId === DAN)).toBe(true);

    // A row from the wrong tenant: the whole file is refused, the good row is not added.
    writeFileSync(csv, [
      'aadObjectId,tenantId,displayName,roles',
      '00000000-0000-4000-8000-0000000000c3,c1700000-0000-4000-8000-00000000c1e5,Joe Bloggs,staff',
      '00000000-0000-4000-8000-0000000000c4,00000000-0000-4000-8000-0000000c0dec,Ann Other,staff',
    ].join('\n'));
    errors.length = 0;
    expect(await cli('apply', csv, '--organisation', 'city-west-housing', '--as', DAN)).toBe(1);
    expect(errors.map((e) => e.trim())).toContain("people[1].tenantId: not one of City West Housing Trust's tenant ids");
    expect(await findMember(ctx, '00000000-0000-4000-8000-0000000000c3')).toBeUndefined();
  });
});

describe('bulk onboarding by user principal name', () => {
  const HOST = '00000000-0000-4000-8000-0000000c0dec';
  const NADIA = '00000000-0000-4000-8000-0000000000d1';
  const OWEN = '00000000-0000-4000-8000-0000000000d2';
  /** A Graph gateway that knows two Stockport Homes staff of the host tenant, and counts what it was asked. */
  const fakeGraph = () => {
    const asked: string[][] = [];
    const users = new Map([['nadia.ashraf@stockporthomes.org.uk', NADIA], ['owen.price@stockporthomes.org.uk', OWEN]]);
    return { asked, graph: { tenantId: HOST, userIdsByUpn: async (upns: readonly string[]) => (asked.push([...upns]), new Map(upns.flatMap((u) => (users.has(u) ? [[u, users.get(u)!] as const] : [])))) } };
  };
  const writeCsv = (rows: string[]) => {
    const csv = path.join(mkdtempSync(path.join(tmpdir(), 'concordat-')), 'stockport-homes.csv');
    writeFileSync(csv, ['userPrincipalName,aadObjectId,tenantId,displayName,jobTitle,roles', ...rows].join('\n'));
    return csv;
  };
  const ROWS = [
    `Nadia.Ashraf@StockportHomes.org.uk,,${HOST},Nadia Ashraf,Housing officer,staff`,
    `,00000000-0000-4000-8000-0000000000d3,${HOST},Jo Marsh,Caretaker,staff`,
    `owen.price@stockporthomes.org.uk,,${HOST},Owen Price,Neighbourhood manager,staff;orgLead`,
  ];

  it('without Microsoft Graph, plan reports each UPN row as an error with its path, and apply changes nothing', async () => {
    const { ctx, errors, cli } = await setup();
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    const csv = writeCsv(ROWS);
    errors.length = 0;
    expect(await cli('plan', csv, '--organisation', 'stockport-homes')).toBe(1);
    expect(errors[0]).toBe(`${csv}: 2 errors; nothing would change`);
    expect(errors.slice(1).map((e) => e.trim())).toEqual([
      'people[0].userPrincipalName: nadia.ashraf@stockporthomes.org.uk cannot be resolved to an object id: Microsoft Graph is not configured (GRAPH_CLIENT_SECRET or GRAPH_MANAGED_IDENTITY, with User.Read.All). Give the aadObjectId instead',
      'people[2].userPrincipalName: owen.price@stockporthomes.org.uk cannot be resolved to an object id: Microsoft Graph is not configured (GRAPH_CLIENT_SECRET or GRAPH_MANAGED_IDENTITY, with User.Read.All). Give the aadObjectId instead',
    ]);
    expect(await cli('apply', csv, '--organisation', 'stockport-homes', '--as', DAN)).toBe(1);
    expect(await findMember(ctx, '00000000-0000-4000-8000-0000000000d3')).toBeUndefined(); // not even the row with an object id
  });

  it('with Graph, each UPN becomes its object id before planning; an unknown UPN, or another tenant\'s, refuses the file whole', async () => {
    const { store, ctx, lines, errors } = await setup();
    const { graph, asked } = fakeGraph();
    const withGraph = { ...ctx, graph };
    const cli = (...argv: string[]) => runDirectoryCli(argv, withGraph, { out: (l) => lines.push(l), err: (l) => errors.push(l) });
    expect(await cli('apply', DEMO_FILE, '--as', DAN)).toBe(0);
    const csv = writeCsv(ROWS);
    lines.length = 0;
    expect(await cli('plan', csv, '--organisation', 'stockport-homes')).toBe(0);
    expect(lines.slice(1)).toEqual([
      `  added    member Nadia Ashraf (${NADIA}, stockport-homes: staff)`,
      '  added    member Jo Marsh (00000000-0000-4000-8000-0000000000d3, stockport-homes: staff)',
      `  added    member Owen Price (${OWEN}, stockport-homes: staff, orgLead)`,
    ]);
    expect(asked).toEqual([['nadia.ashraf@stockporthomes.org.uk', 'owen.price@stockporthomes.org.uk']]); // only the UPN rows, lower-cased
    expect(await cli('apply', csv, '--organisation', 'stockport-homes', '--as', DAN)).toBe(0);
    expect((await findMember(ctx, OWEN))?.value).toMatchObject({ displayName: 'Owen Price', tenantId: HOST, organisationId: 'stockport-homes', roles: ['staff', 'orgLead'], source: 'bulk' });
    expect((await directoryAudit(store)).some((e) => e.subject.id === 'people:stockport-homes' && e.actor.aadObjectId === DAN)).toBe(true);

    // Graph does not know one; another is in a partner tenant (Graph reads the host tenant only): nothing is applied.
    const bad = writeCsv([
      `leaver@stockporthomes.org.uk,,${HOST},Left Already,Officer,staff`,
      `,00000000-0000-4000-8000-0000000000d4,${HOST},Ria Kaur,Officer,staff`,
    ]);
    errors.length = 0;
    expect(await cli('apply', bad, '--organisation', 'stockport-homes', '--as', DAN)).toBe(1);
    expect(errors.map((e) => e.trim())).toContain(`people[0].userPrincipalName: no user leaver@stockporthomes.org.uk in tenant ${HOST}`);
    expect(await findMember(ctx, '00000000-0000-4000-8000-0000000000d4')).toBeUndefined();
    const partner = {
      schema: 'concordat.people/v1', organisation: 'city-west-housing',
      people: [{ userPrincipalName: 'nadia@citywest.org.uk', tenantId: 'c1700000-0000-4000-8000-00000000c1e5', displayName: 'Nadia Okoro', roles: ['staff'] }],
    };
    expect(await planDirectoryFile(withGraph, partner)).toEqual({
      ok: false,
      errors: [`people[0].userPrincipalName: nadia@citywest.org.uk is in tenant c1700000-0000-4000-8000-00000000c1e5, and Graph here reads tenant ${HOST} only: give the aadObjectId instead`],
    });
    // A row must name the person one way: not neither, not both.
    const neither = await planDirectoryFile(withGraph, { ...partner, people: [{ tenantId: 'c1700000-0000-4000-8000-00000000c1e5', displayName: 'No One', roles: ['staff'] }] });
    expect(neither).toEqual({ ok: false, errors: ['people[0].aadObjectId: give aadObjectId or userPrincipalName'] });
  });
});

describe('the npm script', () => {
  it('`npm run directory -- plan FILE` prints the plan against the configured store', async () => {
    const { connectionString, prefix } = await setup();
    const run = spawnSync('npm', ['run', '--silent', 'directory', '--', 'plan', 'env/partnership.2025-28.example.json'], {
      cwd: ROOT,
      env: { ...process.env, STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Plan for env/partnership.2025-28.example.json against directory version 0:');
    expect(run.stdout).toContain('added    themes safer-streets');
  }, 70_000);
});

describe("an organisation's default sharing", () => {
  it("is what the report form proposes; without one, police and the borough's council", async () => {
    const { defaultFormValues } = await import('../bot/incidents/present');
    const orgs = readJson(DEMO_FILE).organisations as { id: string; name: string; kind: 'landlord'; boroughs: ['stockport']; defaultSharing: string[] }[];
    const stockportHomes = orgs.find((o) => o.id === 'stockport-homes')!;
    const now = new Date('2026-11-25T10:00:00Z');
    expect(defaultFormValues(stockportHomes, orgs, now, 'Europe/London').sharedWith).toBe('gmp,stockport-council');
    expect(defaultFormValues({ ...stockportHomes, defaultSharing: ['gmp'] }, orgs, now, 'Europe/London').sharedWith).toBe('gmp');
    expect(defaultFormValues({ ...stockportHomes, defaultSharing: [] }, orgs, now, 'Europe/London').sharedWith).toBe('gmp,stockport-council');
  });
});

describe('hotspot rules from the partnership file', () => {
  it("are the ones in force once applied: the file's rule set and each borough's local changes", async () => {
    const { hotspotSettingsOf } = await import('../bot/directory/settings');
    const { rulesFor } = await import('../bot/warnings/rules/hotspots');
    const { loadConfig } = await import('../bot/kernel/config');
    const { ctx } = await setup();
    const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: 'UseDevelopmentStorage=true' });
    const withConfig = { ...ctx, config: { ...config, auditChainKey: '' } };
    expect(await hotspotSettingsOf(withConfig)).toEqual(config.hotspots); // no directory yet: the configuration's
    const file = readJson(PLAN_2025_FILE);
    file.boroughs.find((b: { id: string }) => b.id === 'wigan').hotspots = { asb: { threshold: 7, windowDays: 21 } };
    expect((await applyDirectoryFile(ctx, file, { aadObjectId: DAN })).ok).toBe(true);
    const settings = await hotspotSettingsOf(withConfig);
    expect(rulesFor(settings, 'wigan').find((r) => r.id === 'asb')).toMatchObject({ threshold: 7, windowDays: 21, themeId: 'safer-streets' });
    expect(rulesFor(settings, 'bolton').find((r) => r.id === 'asb')).toMatchObject({ threshold: 5, windowDays: 14, themeId: 'safer-streets' });
  });
});
