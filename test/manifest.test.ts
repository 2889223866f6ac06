import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, EXTENSION_ROUTES, type CommandSpec } from '../bot/commands';
import {
  MAX_COMMANDS_PER_LIST,
  PackageError,
  REPO_ROOT,
  buildAppPackage,
  commandListsFrom,
  fillTemplate,
  loadEnvFiles,
  parseEnvFile,
  readPackageVersion,
  type BuildResult,
  type CommandList,
  type ManifestExtensionCommand,
} from '../scripts/package-app';
import { TEAMS_MANIFEST_SCHEMA_URL, validateTeamsManifest } from './support/schemas';

// semver.org's suggested regular expression (numbered capture groups).
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error(`not semver: ${a} / ${b}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  // A pre-release sorts before its release.
  if (pa[4] && !pb[4]) return -1;
  if (!pa[4] && pb[4]) return 1;
  return (pa[4] ?? '').localeCompare(pb[4] ?? '');
}

interface PackagedManifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  localizationInfo: { defaultLanguageTag: string };
  icons: { color: string; outline: string };
  bots: { botId: string; scopes: string[]; supportsFiles: boolean; commandLists: CommandList[] }[];
  composeExtensions: { botId: string; composeExtensionType: string; commands: ManifestExtensionCommand[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
}

const localEnv = loadEnvFiles('local', REPO_ROOT, false);
let outDir: string;
let built: BuildResult;
let files: Map<string, Buffer>;
let manifest: PackagedManifest;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'concordat-package-'));
  // Only the committed env file: no per-developer .user file, no shell overrides.
  built = await buildAppPackage({ env: 'local', outDir, overrides: {}, readUserFile: false });
  const zip = await JSZip.loadAsync(readFileSync(built.zipPath));
  files = new Map();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) files.set(entry.name, await entry.async('nodebuffer'));
  }
  manifest = JSON.parse((files.get('manifest.json') ?? Buffer.from('null')).toString('utf8')) as PackagedManifest;
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('the app package for "local"', () => {
  it('holds manifest.json, color.png and outline.png at the zip root, and nothing else', () => {
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it('writes the same manifest beside the zip', () => {
    expect(JSON.parse(readFileSync(built.manifestPath, 'utf8'))).toEqual(manifest);
    expect(path.basename(built.manifestPath)).toBe('manifest.local.json');
    expect(path.basename(built.zipPath)).toBe('appPackage.local.zip');
  });

  it('is valid against the Teams manifest schema v1.29', () => {
    expect(validateTeamsManifest(manifest)).toEqual([]);
    expect(manifest.$schema).toBe(TEAMS_MANIFEST_SCHEMA_URL);
    expect(manifest.manifestVersion).toBe('1.29');
  });

  it('has every placeholder filled from env/.env.local', () => {
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.id).toBe(localEnv.TEAMS_APP_ID);
    expect(manifest.bots[0]?.botId).toBe(localEnv.BOT_ID);
    expect(manifest.webApplicationInfo).toEqual({
      id: localEnv.AAD_APP_CLIENT_ID,
      resource: `api://${localEnv.BOT_DOMAIN}/${localEnv.AAD_APP_CLIENT_ID}`,
    });
    expect(manifest.validDomains).toContain(localEnv.BOT_DOMAIN);
    expect(manifest.name.short).toBe(`Concordat${localEnv.APP_NAME_SUFFIX}`);
  });

  it('speaks en-GB, says what it does and how it handles OFFICIAL-SENSITIVE content', () => {
    expect(manifest.localizationInfo.defaultLanguageTag).toBe('en-GB');
    expect(manifest.name.full).toBe('Concordat – crime and ASB partnership');
    expect(manifest.description.full).toContain('OFFICIAL-SENSITIVE');
    for (const topic of [/priorities/i, /alerts/i, /incident/i, /access check/i, /joint operations/i, /remind/i, /digest/i, /theme leads/i]) {
      expect(manifest.description.full).toMatch(topic);
    }
  });

  it('installs the bot in personal, team and group chat scopes, without files', () => {
    const bot = manifest.bots[0];
    expect(bot?.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot?.supportsFiles).toBe(false);
  });

  it('has a 192x192 colour icon and a 32x32 outline icon', () => {
    const color = PNG.sync.read(files.get('color.png') as Buffer);
    const outline = PNG.sync.read(files.get('outline.png') as Buffer);
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    // Full colour: more than a handful of distinct colours, and opaque.
    const colours = new Set<number>();
    let translucent = 0;
    for (let i = 0; i < color.data.length; i += 4) {
      colours.add(color.data.readUInt32BE(i));
      if (color.data[i + 3] !== 255) translucent++;
    }
    expect(translucent).toBe(0);
    expect(colours.size).toBeGreaterThan(8);
  });

  it('has an outline icon that is white on transparent', () => {
    const outline = PNG.sync.read(files.get('outline.png') as Buffer);
    let transparent = 0;
    let visible = 0;
    const offenders: string[] = [];
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i], outline.data[i + 1], outline.data[i + 2], outline.data[i + 3]];
      if (a === 0) {
        transparent++;
        continue;
      }
      visible++;
      if (r !== 255 || g !== 255 || b !== 255) offenders.push(`(${(i / 4) % 32},${Math.floor(i / 4 / 32)}) rgb(${r},${g},${b})`);
    }
    expect(offenders).toEqual([]);
    expect(transparent).toBeGreaterThan(0);
    expect(visible).toBeGreaterThan(0);
  });

  it('has a semver version equal to package.json "version" (bump both together)', () => {
    const pkgVersion = readPackageVersion();
    expect(manifest.version).toMatch(SEMVER);
    expect(compareSemver(manifest.version, pkgVersion)).toBeGreaterThanOrEqual(0);
    expect(manifest.version).toBe(pkgVersion);
  });

  it('has one command list per scope, unique titles, at most 10 commands each', () => {
    const lists = manifest.bots[0]?.commandLists ?? [];
    const scopes = lists.flatMap((l) => l.scopes);
    expect(new Set(scopes).size).toBe(scopes.length);
    for (const list of lists) {
      expect(list.scopes).toHaveLength(1);
      expect(manifest.bots[0]?.scopes).toContain(list.scopes[0]);
      expect(list.commands.length).toBeGreaterThan(0);
      expect(list.commands.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_LIST);
      const titles = list.commands.map((c) => c.title.toLowerCase());
      expect(new Set(titles).size).toBe(titles.length);
    }
  });

  it('advertises exactly the commands of bot/commands.ts, scopes and descriptions included', () => {
    const advertised = (manifest.bots[0]?.commandLists ?? []).flatMap((l) =>
      l.scopes.flatMap((scope) => l.commands.map((c) => `${scope} | ${c.title} | ${c.description}`)),
    );
    const registered = COMMANDS.filter((c) => c.menu !== false).flatMap((c) => c.scopes.map((scope) => `${scope} | ${c.title} | ${c.description}`));
    expect([...advertised].sort()).toEqual([...registered].sort());
  });

  it('has the message extension on the bot itself: "Report an incident" from the compose box and a message\'s "…" menu, and "Find by reference"', () => {
    expect(manifest.composeExtensions).toHaveLength(1);
    const extension = manifest.composeExtensions[0]!;
    expect(extension.botId).toBe(localEnv.BOT_ID);
    expect(extension.botId).toBe(manifest.bots[0]?.botId);
    expect(extension.composeExtensionType).toBe('botBased');
    expect(extension.commands).toEqual([
      {
        id: 'reportIncident',
        type: 'action',
        title: 'Report an incident',
        description: expect.stringContaining('its text is offered as the summary'),
        context: ['compose', 'message'],
        // The form is the bot's own card (fetched), so it is the same form, checked by the same rules, as "report".
        fetchTask: true,
      },
      {
        id: 'findByReference',
        type: 'query',
        title: 'Find by reference',
        description: expect.stringContaining('de-identified card'),
        context: ['compose', 'commandBox'],
        initialRun: false,
        parameters: [{ name: 'reference', title: 'Reference', description: expect.stringContaining('STO-2026-000123'), inputType: 'text' }],
      },
    ]);
  });

  it('advertises exactly the message extension commands the bot registers', () => {
    expect(manifest.composeExtensions[0]!.commands.map((c) => c.id).sort()).toEqual([...EXTENSION_ROUTES.keys()].sort());
  });

  it('builds the same bytes twice', async () => {
    const again = await buildAppPackage({ env: 'local', outDir: path.join(outDir, 'again'), overrides: {}, readUserFile: false });
    expect(readFileSync(again.zipPath).equals(readFileSync(built.zipPath))).toBe(true);
  });
});

describe('the manifest template', () => {
  const template = readFileSync(path.join(REPO_ROOT, 'manifest', 'manifest.json'), 'utf8');

  it('does not hard-code the command lists (they are generated)', () => {
    const parsed = JSON.parse(template) as { bots: { commandLists?: unknown }[] };
    expect(parsed.bots[0]?.commandLists).toBeUndefined();
  });

  it('does not hard-code the message extension\'s commands (they are generated), and names the bot by placeholder', () => {
    const parsed = JSON.parse(template) as { composeExtensions?: { botId?: string; commands?: unknown }[] };
    expect(parsed.composeExtensions?.[0]?.commands).toBeUndefined();
    expect(parsed.composeExtensions?.[0]?.botId).toBe('${{BOT_ID}}');
  });

  it('takes ids and domains from placeholders, not literals', () => {
    for (const name of ['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN', 'APP_VERSION', 'AAD_APP_CLIENT_ID']) {
      expect(template).toContain(`\${{${name}}}`);
    }
  });
});

describe('building fails clearly', () => {
  it('names every missing value (dev before provisioning)', async () => {
    const attempt = buildAppPackage({ env: 'dev', outDir: path.join(outDir, 'dev'), overrides: {}, readUserFile: false });
    await expect(attempt).rejects.toThrow(PackageError);
    await expect(attempt).rejects.toThrow(/TEAMS_APP_ID has no value[\s\S]*BOT_ID has no value/);
  });

  it('rejects an unknown environment', async () => {
    await expect(buildAppPackage({ env: 'prod', outDir, overrides: {} })).rejects.toThrow(/no environment file env\/\.env\.prod/);
  });

  it('rejects an APP_VERSION that disagrees with package.json', async () => {
    await expect(
      buildAppPackage({ env: 'local', outDir, overrides: { APP_VERSION: '99.0.0' }, readUserFile: false }),
    ).rejects.toThrow(/APP_VERSION=99\.0\.0 disagrees with package\.json/);
  });

  it('rejects a value that breaks the schema (a bot id that is not a GUID)', async () => {
    await expect(
      buildAppPackage({ env: 'local', outDir, overrides: { BOT_ID: 'not-a-guid' }, readUserFile: false }),
    ).rejects.toThrow(/manifest schema: \/bots\/0\/botId/);
  });
});

describe('fillTemplate', () => {
  it('escapes values for JSON and reports blank ones', () => {
    expect(fillTemplate('{"a":"${{A}}","b":"x-${{ B }}"}', { A: 'say "hi"\\', B: 'y' }, 'test')).toEqual({
      a: 'say "hi"\\',
      b: 'x-y',
    });
    expect(() => fillTemplate('{"a":"${{A}}","b":"${{B}}"}', { A: ' ' }, 'env/.env.x')).toThrow(
      /A has no value: set it in env\/\.env\.x[\s\S]*B has no value/,
    );
  });
});

describe('commandListsFrom', () => {
  const cmd = (title: string, scopes: CommandSpec['scopes']): CommandSpec => ({ title, description: `${title}.`, scopes, who: 'anyone' });
  const all = ['personal', 'team', 'groupChat'];

  it('groups by scope in a fixed order', () => {
    expect(commandListsFrom([cmd('b', ['team', 'personal']), cmd('a', ['personal'])], all)).toEqual([
      { scopes: ['personal'], commands: [{ title: 'b', description: 'b.' }, { title: 'a', description: 'a.' }] },
      { scopes: ['team'], commands: [{ title: 'b', description: 'b.' }] },
    ]);
  });

  it('refuses duplicate titles, more than 10 commands, and scopes the bot lacks', () => {
    expect(() => commandListsFrom([cmd('help', ['team']), cmd('Help', ['team'])], all)).toThrow(/duplicate command titles: help/);
    const eleven = Array.from({ length: 11 }, (_, i) => cmd(`c${i}`, ['personal']));
    expect(() => commandListsFrom(eleven, all)).toThrow(/11 commands; Teams shows at most 10/);
    expect(() => commandListsFrom([cmd('x', ['groupChat'])], ['personal'])).toThrow(/scope groupChat, which the bot is not installed in/);
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, comments, quotes and blanks', () => {
    expect(parseEnvFile('# c\nA=1\nB = "two words"\nC=\nexport D=x # note\n\nnot a line')).toEqual({
      A: '1',
      B: 'two words',
      C: '',
      D: 'x',
    });
  });
});

describe('forgetPlaceholderIds (m365agents.local.yml)', () => {
  it('blanks exactly the ids still at a placeholder', async () => {
    const { forgetPlaceholderIds } = await import('../scripts/forget-placeholder-ids');
    const env = {
      TEAMS_APP_ID: '00000000-0000-4000-8000-00000000a001',
      BOT_ID: '28ddf8d0-d8a9-42e3-8703-2f8c289a4c22',
      AAD_APP_CLIENT_ID: '00000000-0000-4000-8000-00000000c001',
      OTHER: '00000000-0000-4000-8000-00000000d001',
    };
    expect(forgetPlaceholderIds(env)).toEqual(['::set-teamsfx-env TEAMS_APP_ID=', '::set-teamsfx-env AAD_APP_CLIENT_ID=']);
  });
});
