/**
 * `npm run directory -- plan FILE` / `apply FILE [--as OBJECT-ID]` / `show`
 *
 * Plans or applies a partnership file (or a people file, JSON or CSV, for
 * bulk onboarding) against the store named by the environment, as the bot
 * would see it (STORAGE_CONNECTION / STORAGE_ACCOUNT_URL, TABLE_PREFIX).
 * A bad file prints every error with its path and changes nothing. Storage
 * is named by STORAGE_CONNECTION or STORAGE_ACCOUNT_URL (signed in with the
 * operator's Azure identity); neither means the local Azurite of `npm start`.
 * People named by user principal name are resolved through Microsoft Graph
 * when the GRAPH_* settings are given (as for the bot; User.Read.All), and
 * are otherwise an error of the plan.
 * docs/directory.md describes the file; docs/deploy.md how to run it in Azure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AZURITE_DEV_CONNECTION } from '../bot/kernel/config';
import type { DirectoryCtx } from '../bot/directory/audit';
import { applyDirectoryFile, planDirectoryFile } from '../bot/directory/apply';
import { Guid } from '../bot/directory/model';
import { loadDirectory } from '../bot/directory/repository';
import { peopleFromCsv } from '../bot/directory/rules/validate';
import { openStore } from '../bot/store/store';
import { consoleLogger } from '../bot/kernel/logger';
import { createGraphClient, credentialFor } from '../bot/graph/client';
import { createGraphGateway } from '../bot/graph/gateway';
import { graphSettingsFrom } from '../bot/graph/settings';
import { appTables } from '../bot/tables';
import { DEFAULT_TIME_ZONE } from '../bot/kernel/config';

const USAGE = `usage: npm run directory -- plan FILE [--organisation ID]
       npm run directory -- apply FILE --as OBJECT-ID [--organisation ID]
       npm run directory -- show
FILE: a partnership file (JSON, schema concordat.partnership/v1), or people to onboard
(JSON, schema concordat.people/v1, or CSV with --organisation).`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

function readFile(file: string, organisation: string | undefined): { json?: unknown; error?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { error: `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` };
  }
  if (path.extname(file).toLowerCase() === '.csv') {
    if (!organisation) return { error: 'a CSV of people needs --organisation ID' };
    return { json: peopleFromCsv(text, organisation) };
  }
  try {
    return { json: JSON.parse(text) };
  } catch (e) {
    return { error: `${file}: not valid JSON (${(e as Error).message})` };
  }
}

/** The command itself, over an injected store and clock: the tests run it in-process. Returns the exit code. */
export async function runDirectoryCli(argv: string[], ctx: DirectoryCtx, io: CliIo): Promise<number> {
  const [command, file, ...rest] = argv;
  const option = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (command === 'show') {
    const d = await loadDirectory(ctx);
    io.out(JSON.stringify({ version: d.version, name: d.name, boroughs: d.boroughs.map((b) => b.id), organisations: d.organisations.map((o) => `${o.id}${o.retiredAt ? ' (retired)' : ''}`), themes: d.themes.map((t) => `${t.id}${t.retiredAt ? ' (retired)' : ''}`), people: d.people.length, administrators: d.administrators }, null, 2));
    return 0;
  }
  if ((command !== 'plan' && command !== 'apply') || !file) {
    io.err(USAGE);
    return 2;
  }
  const read = readFile(file, option('--organisation'));
  if (read.error) {
    io.err(read.error);
    return 1;
  }
  if (command === 'plan') {
    const plan = await planDirectoryFile(ctx, read.json);
    if (!plan.ok) {
      io.err(`${file}: ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'}; nothing would change`);
      plan.errors.forEach((e) => io.err(`  ${e}`));
      return 1;
    }
    io.out(`Plan for ${file} against directory version ${plan.from}:`);
    plan.lines.forEach((l) => io.out(`  ${l}`));
    return 0;
  }
  const as = option('--as');
  const actor = Guid.safeParse(as);
  if (!actor.success) {
    io.err('apply needs --as OBJECT-ID: the Entra object id of the administrator applying it (recorded in the audit log)');
    return 2;
  }
  const result = await applyDirectoryFile(ctx, read.json, { aadObjectId: actor.data });
  if (!result.ok) {
    io.err(`${file}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}; nothing changed`);
    result.errors.forEach((e) => io.err(`  ${e}`));
    return 1;
  }
  io.out(`Applied ${file}: directory version ${result.version}`);
  result.lines.forEach((l) => io.out(`  ${l}`));
  return 0;
}

/**
 * Only the storage settings: an operator applying a file in a deploy step has
 * storage access (Table Data Contributor) and nothing else of the bot's.
 */
const StorageEnv = z.object({
  STORAGE_CONNECTION: z.string().min(1).optional(),
  STORAGE_ACCOUNT_URL: z.string().url().optional(),
  TABLE_PREFIX: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/).default('concordat'),
  /** The audit chain's key, as the bot has it: the apply's audit row joins the same chain. */
  AUDIT_CHAIN_KEY: z.string().min(32).optional(),
});

async function main(): Promise<void> {
  try {
    const env = StorageEnv.parse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
    const connection = env.STORAGE_CONNECTION ? { connectionString: env.STORAGE_CONNECTION } : env.STORAGE_ACCOUNT_URL ? { accountUrl: env.STORAGE_ACCOUNT_URL } : { connectionString: AZURITE_DEV_CONNECTION };
    const store = openStore(connection, env.TABLE_PREFIX, appTables({ timeZone: DEFAULT_TIME_ZONE }));
    await store.ensureTables();
    // Graph only to resolve people files' user principal names: configured as for the bot (GRAPH_*), or left off.
    const graph = graphSettingsFrom(process.env);
    if (graph.problems.length) throw new Error(graph.problems.join('; '));
    const users = graph.settings ? createGraphGateway(createGraphClient(credentialFor(graph.settings)), graph.settings, consoleLogger) : undefined;
    const code = await runDirectoryCli(process.argv.slice(2), { store, clock: () => new Date(), config: { auditChainKey: env.AUDIT_CHAIN_KEY ?? '' }, graph: users }, { out: (l) => console.log(l), err: (l) => console.error(l) });
    process.exit(code);
  } catch (err) {
    console.error(err instanceof z.ZodError ? `directory: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` : `directory: ${(err as Error).message}`);
    process.exit(1);
  }
}

if (require.main === module) void main();
