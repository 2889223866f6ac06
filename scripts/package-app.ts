/**
 * Builds the Teams app package for one environment:
 *
 *   npm run package -- --env local|dev [--out DIR] [--no-validate]
 *
 * 1. reads env/.env.<env> (then env/.env.<env>.user, git-ignored, if present;
 *    then the process environment, which wins, as the Agents Toolkit passes
 *    freshly provisioned values that way);
 * 2. fills the `${{NAME}}` placeholders of manifest/manifest.json, failing on
 *    any placeholder without a value; `${{APP_VERSION}}` is package.json's
 *    "version" (an env value that disagrees is an error);
 * 3. generates the bot's `commandLists`, one list per scope, from
 *    bot/commands.ts, so the manifest cannot advertise a command the bot
 *    does not answer;
 *    The message extension's commands (`composeExtensions[0].commands`) are
 *    generated the same way, from the extension routes, for the bot named by
 *    the template's composeExtensions entry;
 * 4. validates the result against the Teams manifest schema v1.29 (offline);
 * 5. writes appPackage/build/manifest.<env>.json and
 *    appPackage/build/appPackage.<env>.zip (manifest.json, color.png and
 *    outline.png at the zip root).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { COMMANDS, EXTENSION_ROUTES, Scope, type CommandSpec } from '../bot/commands';
import type { ExtensionRoute } from '../bot/common/route';
import { validateTeamsManifest } from '../test/support/schemas';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Teams shows at most 10 commands per scope in the command menu. */
export const MAX_COMMANDS_PER_LIST = 10;

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ICONS = ['color.png', 'outline.png'] as const;
/** A fixed timestamp for the zip entries, so the same inputs give the same bytes. */
const ZIP_DATE = new Date('2020-01-01T00:00:00Z');

export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

export interface CommandList {
  scopes: Scope[];
  commands: { title: string; description: string }[];
}

/** One message-extension command as the manifest (v1.29 composeExtensions[].commands[]) spells it. */
export interface ManifestExtensionCommand {
  id: string;
  type: 'action' | 'query';
  title: string;
  description: string;
  context: string[];
  fetchTask?: boolean;
  initialRun?: boolean;
  parameters?: { name: string; title: string; description: string; inputType: 'text' }[];
}

export interface TeamsManifest {
  version: string;
  id: string;
  bots?: { botId: string; scopes: string[]; commandLists?: CommandList[] }[];
  composeExtensions?: { botId?: string; commands?: ManifestExtensionCommand[]; [key: string]: unknown }[];
  icons: { color: string; outline: string };
  [key: string]: unknown;
}

export interface BuildOptions {
  /** Environment name: reads env/.env.<env>. */
  env: string;
  repoRoot?: string;
  /** Output folder; default <repo>/appPackage/build. */
  outDir?: string;
  /** Values that override the env files (the CLI passes process.env). */
  overrides?: Record<string, string | undefined>;
  /** Also read env/.env.<env>.user (git-ignored, per developer). Default true. */
  readUserFile?: boolean;
  /** Validate against the manifest schema. Default true. */
  validate?: boolean;
}

export interface BuildResult {
  manifest: TeamsManifest;
  manifestPath: string;
  zipPath: string;
}

/** Parses a dotenv file: KEY=VALUE lines, `#` comments, optional quotes; no expansion. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    let value = (match[2] as string).trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] as string;
    else value = value.replace(/\s+#.*$/, '');
    out[key] = value;
  }
  return out;
}

export function readPackageVersion(repoRoot = REPO_ROOT): string {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new PackageError(['package.json has no "version"']);
  return pkg.version;
}

/** Reads env/.env.<env> (required) and env/.env.<env>.user (optional), the latter winning. */
export function loadEnvFiles(env: string, repoRoot = REPO_ROOT, readUserFile = true): Record<string, string> {
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new PackageError([`invalid environment name "${env}"`]);
  const file = path.join(repoRoot, 'env', `.env.${env}`);
  if (!existsSync(file)) {
    throw new PackageError([`no environment file ${path.relative(repoRoot, file)} (is "${env}" a typo? try local or dev)`]);
  }
  const values = parseEnvFile(readFileSync(file, 'utf8'));
  const userFile = `${file}.user`;
  if (readUserFile && existsSync(userFile)) Object.assign(values, parseEnvFile(readFileSync(userFile, 'utf8')));
  return values;
}

/**
 * Replaces every `${{NAME}}` in a JSON template with its value (JSON-escaped)
 * and parses the result. Every placeholder without a non-blank value is
 * reported at once.
 */
export function fillTemplate(template: string, values: Record<string, string | undefined>, source: string): unknown {
  const missing = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      missing.add(name);
      return '';
    }
    return JSON.stringify(value.trim()).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new PackageError(
      [...missing].map((name) => `${name} has no value: set it in ${source} (or run provisioning, which fills it)`),
    );
  }
  const left = filled.match(/\$\{\{[^}]*\}\}/g);
  if (left) throw new PackageError(left.map((p) => `unfilled placeholder ${p} (a value may itself contain one)`));
  try {
    return JSON.parse(filled) as unknown;
  } catch (err) {
    throw new PackageError([`the filled manifest is not valid JSON: ${(err as Error).message}`]);
  }
}

/** One command list per scope, in the order personal, team, groupChat, from the command registry. */
export function commandListsFrom(commands: readonly CommandSpec[], botScopes: readonly string[]): CommandList[] {
  const problems: string[] = [];
  const lists: CommandList[] = [];
  for (const scope of Scope.options) {
    // Commands with menu: false are answered but not advertised (Teams shows at most 10 per scope).
    const inScope = commands.filter((c) => c.scopes.includes(scope) && c.menu !== false);
    if (inScope.length === 0) continue;
    if (!botScopes.includes(scope)) {
      problems.push(`commands ${inScope.map((c) => `"${c.title}"`).join(', ')} name scope ${scope}, which the bot is not installed in`);
      continue;
    }
    const titles = inScope.map((c) => c.title.toLowerCase());
    const duplicates = titles.filter((t, i) => titles.indexOf(t) !== i);
    if (duplicates.length > 0) problems.push(`scope ${scope} has duplicate command titles: ${[...new Set(duplicates)].join(', ')}`);
    if (inScope.length > MAX_COMMANDS_PER_LIST) {
      problems.push(`scope ${scope} has ${inScope.length} commands; Teams shows at most ${MAX_COMMANDS_PER_LIST}`);
    }
    lists.push({ scopes: [scope], commands: inScope.map((c) => ({ title: c.title, description: c.description })) });
  }
  if (problems.length > 0) throw new PackageError(problems);
  return lists;
}

/** Teams lists at most 10 commands in a message extension. */
export const MAX_EXTENSION_COMMANDS = 10;

/**
 * The message extension's commands from its routes: an action command fetches its dialog from the bot (the form is
 * the bot's card, not static parameters); a search command has its one text parameter and runs only once typed into.
 */
export function extensionCommandsFrom(routes: readonly ExtensionRoute[]): ManifestExtensionCommand[] {
  if (routes.length > MAX_EXTENSION_COMMANDS) throw new PackageError([`${routes.length} message extension commands; Teams allows at most ${MAX_EXTENSION_COMMANDS}`]);
  return routes.map((r) =>
    r.type === 'action'
      ? { id: r.commandId, type: 'action', title: r.title, description: r.description, context: [...r.contexts], fetchTask: true }
      : {
          id: r.commandId,
          type: 'query',
          title: r.title,
          description: r.description,
          context: ['compose', 'commandBox'],
          initialRun: false,
          parameters: [{ name: r.parameter.name, title: r.parameter.title, description: r.parameter.description, inputType: 'text' }],
        },
  );
}

/** Builds manifest.<env>.json and appPackage.<env>.zip; returns the manifest and the paths written. */
export async function buildAppPackage(options: BuildOptions): Promise<BuildResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const outDir = options.outDir ?? path.join(repoRoot, 'appPackage', 'build');
  const manifestDir = path.join(repoRoot, 'manifest');
  const version = readPackageVersion(repoRoot);

  const values: Record<string, string | undefined> = {
    ...loadEnvFiles(options.env, repoRoot, options.readUserFile ?? true),
  };
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined && value.trim() !== '') values[key] = value;
  }
  if (values.APP_VERSION && values.APP_VERSION !== version) {
    throw new PackageError([
      `APP_VERSION=${values.APP_VERSION} disagrees with package.json "version" ${version}: the app version comes from package.json; remove APP_VERSION from the environment`,
    ]);
  }
  values.APP_VERSION = version;

  const template = readFileSync(path.join(manifestDir, 'manifest.json'), 'utf8');
  const manifest = fillTemplate(template, values, `env/.env.${options.env}`) as TeamsManifest;

  const bot = manifest.bots?.[0];
  if (!bot) throw new PackageError(['the manifest template declares no bot']);
  if (bot.commandLists !== undefined) {
    throw new PackageError(['manifest/manifest.json must not list commands: they are generated from bot/commands.ts']);
  }
  bot.commandLists = commandListsFrom(COMMANDS, bot.scopes);
  const extension = manifest.composeExtensions?.[0];
  if (extension) {
    if (extension.commands !== undefined) {
      throw new PackageError(['manifest/manifest.json must not list message extension commands: they are generated from the extension routes']);
    }
    if (extension.botId !== bot.botId) throw new PackageError(['the message extension must be served by the bot itself: composeExtensions[0].botId must be ${{BOT_ID}}']);
    extension.commands = extensionCommandsFrom([...EXTENSION_ROUTES.values()]);
  }

  if (options.validate ?? true) {
    const errors = validateTeamsManifest(manifest);
    if (errors.length > 0) throw new PackageError(errors.map((e) => `manifest schema: ${e}`));
  }

  const zip = new JSZip();
  const manifestJson = `${JSON.stringify(manifest, null, 2)}\n`;
  zip.file('manifest.json', manifestJson, { date: ZIP_DATE });
  for (const icon of ICONS) {
    const file = path.join(manifestDir, icon);
    if (!existsSync(file)) throw new PackageError([`missing icon ${path.relative(repoRoot, file)}`]);
    zip.file(icon, readFileSync(file), { date: ZIP_DATE });
  }
  const zipBytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });

  mkdirSync(outDir, { recursive: true });
  const manifestPath = path.join(outDir, `manifest.${options.env}.json`);
  const zipPath = path.join(outDir, `appPackage.${options.env}.zip`);
  writeFileSync(manifestPath, manifestJson);
  writeFileSync(zipPath, zipBytes);
  return { manifest, manifestPath, zipPath };
}

function parseArgs(argv: string[]): { env?: string; outDir?: string; validate: boolean } {
  const args: { env?: string; outDir?: string; validate: boolean } = { validate: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const next = () => inline ?? argv[++i];
    if (flag === '--env' || flag === '-e') args.env = next();
    else if (flag === '--out') args.outDir = next();
    else if (flag === '--no-validate') args.validate = false;
    else throw new PackageError([`unknown argument ${arg}; usage: npm run package -- --env local|dev [--out DIR] [--no-validate]`]);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = args.env ?? process.env.TEAMSFX_ENV;
  if (!env) throw new PackageError(['no environment: npm run package -- --env local|dev']);
  if (!args.validate) console.warn('warning: --no-validate: the manifest is not checked against the schema');
  const result = await buildAppPackage({
    env,
    outDir: args.outDir ? path.resolve(args.outDir) : undefined,
    overrides: process.env,
    validate: args.validate,
  });
  const lists = result.manifest.bots?.[0]?.commandLists ?? [];
  console.log(`Teams app package for "${env}", version ${result.manifest.version}, app id ${result.manifest.id}`);
  console.log(`  commands: ${lists.map((l) => `${l.scopes.join('+')}=${l.commands.length}`).join(', ')}`);
  console.log(`  message extension: ${(result.manifest.composeExtensions?.[0]?.commands ?? []).map((c) => c.id).join(', ') || 'none'}`);
  console.log(`  ${path.relative(process.cwd(), result.manifestPath)}`);
  console.log(`  ${path.relative(process.cwd(), result.zipPath)}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
