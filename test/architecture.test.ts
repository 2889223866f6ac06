/**
 * The import rules of the slices (docs/architecture.md), read from the source:
 * - pure code (every slice's rules/, and bot/common/) loads no I/O, directly or through what it imports;
 * - a slice's rules/ import only zod, bot/common/, their own slice's model and their own rules;
 * - a slice's tables are touched only by its repository.ts (or repository/ folder), and its tables.ts (where keys are spelt) is imported
 *   only inside the slice and by the composition root that opens the store;
 * - cards/ import only bot/common/ (builders take plain view data);
 * - the outbox knows no feature: bot/outbox/ imports only the kernel, the store and bot/common/ (a slice's
 *   reaction to a delivery outcome is an injected hook, bot/outbox/hooks.ts).
 * Where today's code does not yet keep a rule, the exception is listed below with its reason; the list must only
 * shrink: an exception that no longer occurs fails the test until it is deleted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

interface Import {
  from: string; // importing file, relative to ROOT
  spec: string; // as written
  target?: string; // resolved file relative to ROOT, for relative imports
  typeOnly: boolean;
}

function filesUnder(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

function resolve(from: string, spec: string): string | undefined {
  const base = path.normalize(path.join(path.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    const abs = path.join(ROOT, candidate);
    if (existsSync(abs) && statSync(abs).isFile()) return candidate;
  }
  return undefined;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[4] ?? m[5] ?? m[6]!;
    // `import type { A }` and `import { type A, type B }` are erased: no module is loaded at run time.
    const names = m[3] ?? '';
    const typeOnly = Boolean(m[2]) || (/^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type')));
    out.push({ from: file, spec, target: spec.startsWith('.') ? resolve(file, spec) : undefined, typeOnly });
  }
  return out;
}

const SOURCE = [...filesUnder('bot'), ...filesUnder('cards'), ...filesUnder('functions')];
const IMPORTS = new Map(SOURCE.map((f) => [f, importsOf(f)]));

/** bot/<slice>/… → slice name (bot/common, bot/kernel, bot/store… count as their own folder). */
const folderOf = (file: string) => (file.startsWith('bot/') ? file.split('/')[1]! : file.split('/')[0]!);
const isRules = (file: string) => /^bot\/[^/]+\/rules\//.test(file);
const isShared = (file: string) => file.startsWith('bot/common/');
const isPure = (file: string) => isRules(file) || isShared(file);

/** Packages and folders that do I/O: storage, Teams, Graph, the network, the file system. */
const IO_PACKAGE = /^(@azure\/|botbuilder|botframework-|@microsoft\/teams-ai|@microsoft\/microsoft-graph-client|(node:)?(fs|fs\/promises|net|http|https|http2|dgram|child_process|tls|dns)$)/;
const IO_FOLDER = /^(bot\/(store|outbox|graph|teams)\/|functions\/)/;

/**
 * Where today's code does not yet keep a rule: "importing file -> imported module's file name", and why. Matched
 * on the file name so that an import that moves folder is still recognised. Delete an entry when its import goes:
 * the test fails on an entry that no longer occurs.
 */
const KNOWN: Record<string, Record<string, string>> = {
  pureLoadsIo: {},
  rulesImportOutside: {
    // Found once part A moved bot/domain/digest.ts into the digests slice (it was 'shared' before, which hid them).
    'bot/digests/rules/digest.ts -> model.ts': "the digest rules combine other slices' stored shapes (alerts, priorities): to take plain figures from those slices' use cases",
    'bot/digests/rules/digest.ts -> summary.ts': "the digest rules reuse the operations' outcome summary rule: to take it from the operations slice's view",
    'bot/digests/rules/digest.ts -> diff.ts': "the digest rules reuse the priorities' diff rule: to take it from the priorities slice's view",
    'bot/directory/rules/validate.ts -> hotspots.ts': "the partnership file validates hotspot rules, which are the warnings slice's (bot/domain/hotspots.ts)",
    'bot/operations/rules/form.ts -> incident.ts': "an operation links incidents by reference: IncidentReference belongs in bot/common/ (it is every slice's word for an incident)",
    'bot/search/rules/keys.ts -> model.ts': "search keys copy the incident's stored shape (IncidentRow): the finder index is built from the incidents slice's rows",
    'bot/search/rules/query.ts -> policeReference.ts': "the police reference format is the incidents slice's rule (bot/domain/policeReference.ts)",
  },
  tablesOutsideSlice: {},
  tableTouchedOutsideRepository: {
  },
  cardsImportOutsideShared: {
  },
};

/** "from -> to" as KNOWN matches it: the imported module by its file name. */
const keyOf = (finding: string) => finding.replace(/ -> (?:[^ ]*\/)?([^/ ]+\.ts)$/, ' -> $1');

function check(rule: keyof typeof KNOWN, found: string[]): void {
  const known = KNOWN[rule]!;
  const keys = new Set(found.map(keyOf));
  const unexpected = [...new Set(found)].filter((f) => !(keyOf(f) in known)).sort();
  const gone = Object.entries(known)
    .filter(([k]) => !keys.has(k))
    .map(([k]) => k)
    .sort();
  expect({ rule, unexpected, 'known but gone (delete from KNOWN)': gone }).toEqual({ rule, unexpected: [], 'known but gone (delete from KNOWN)': [] });
}

describe('the import rules of the slices', () => {
  it('reads the imports it checks (the scan works)', () => {
    expect(SOURCE.length).toBeGreaterThan(100);
    expect(SOURCE.filter(isRules).length).toBeGreaterThan(5);
    const all = [...IMPORTS.values()].flat();
    expect(all.filter((i) => i.spec.startsWith('.') && !i.target)).toEqual([]); // every relative import resolves
    expect(all.filter((i) => i.typeOnly).length).toBeGreaterThan(20);
  });

  /** What a module loads at run time, directly or through its imports, that does I/O. */
  const ioLoadedBy = (start: string): string[] => {
    const found: string[] = [];
    // Follow run-time imports only: a type-only import loads nothing.
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length) {
      const file = queue.shift()!;
      const via = file === start ? '' : ` (via ${file})`;
      for (const i of IMPORTS.get(file) ?? []) {
        if (i.typeOnly) continue;
        if (!i.target) {
          if (IO_PACKAGE.test(i.spec)) found.push(`${start} -> ${i.spec}${via}`);
        } else if (IO_FOLDER.test(i.target)) {
          found.push(`${start} -> ${i.target}${via}`);
        } else if (!seen.has(i.target)) {
          seen.add(i.target);
          queue.push(i.target);
        }
      }
    }
    return found;
  };

  it('finds I/O where there is some (the walk works)', () => {
    expect(ioLoadedBy('bot/store/entityTable.ts')).toContainEqual('bot/store/entityTable.ts -> @azure/data-tables');
    expect(ioLoadedBy('bot/alerts/raise.ts').length).toBeGreaterThan(0);
  });

  it('pure code (rules/, bot/common/) loads no I/O, directly or through what it imports', () => {
    check('pureLoadsIo', SOURCE.filter(isPure).flatMap(ioLoadedBy));
  });

  it("a slice's rules/ import only zod, bot/common/, their slice's model and their own rules", () => {
    const found: string[] = [];
    for (const file of SOURCE.filter(isRules)) {
      const slice = folderOf(file);
      for (const i of IMPORTS.get(file)!) {
        const ok = i.target
          ? isShared(i.target) || i.target.startsWith(`bot/${slice}/rules/`) || i.target === `bot/${slice}/model.ts`
          : i.spec === 'zod' || i.spec === 'node:crypto'; // hashing is computation, not I/O
        if (!ok) found.push(`${file} -> ${i.target ?? i.spec}`);
      }
    }
    check('rulesImportOutside', found);
  });

  /** Every slice's tables (bot/<slice>/tables.ts, exporting <SLICE>_TABLES): store property name → slice. */
  const tableOwners = async () => {
    const owners = new Map<string, string>();
    for (const file of SOURCE.filter((f) => /^bot\/[^/]+\/tables\.ts$/.test(f))) {
      const exported = (await import(path.join(ROOT, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exported)) {
        // <SLICE>_TABLES, or a factory of them for the deployment's settings (incidentTables(timeZone): keys in the configured zone).
        const tables = /_TABLES$/.test(name) ? value : /^[a-z]\w*Tables$/.test(name) && typeof value === 'function' ? (value as (zone: string) => unknown)('UTC') : undefined;
        if (!tables || typeof tables !== 'object') continue;
        for (const table of Object.keys(tables)) owners.set(table, folderOf(file));
      }
    }
    return owners;
  };

  it("a slice's tables.ts is imported only inside the slice, and by the composition root that opens the store", () => {
    const found: string[] = [];
    for (const [file, imports] of IMPORTS) {
      for (const i of imports) {
        if (!i.target || !/^bot\/[^/]+\/tables\.ts$/.test(i.target)) continue;
        if (folderOf(file) === folderOf(i.target) || file === 'bot/tables.ts') continue;
        found.push(`${file} -> ${i.target}`);
      }
    }
    check('tablesOutsideSlice', found);
  });

  it("a slice's tables are touched only by its repository.ts (or the files of its repository/ folder)", async () => {
    const owners = await tableOwners();
    expect(owners.size).toBeGreaterThan(0);
    const found: string[] = [];
    for (const file of SOURCE.filter((f) => f.startsWith('bot/'))) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\bstore\.([a-zA-Z]+)\b/g)) {
        const owner = owners.get(m[1]!);
        if (!owner) continue;
        // repository.ts, or a repository/ folder split by who uses each part (so a function loads only the part it runs).
        if (file === `bot/${owner}/repository.ts` || file.startsWith(`bot/${owner}/repository/`)) continue;
        found.push(`${file} -> store.${m[1]} (${owner})`);
      }
    }
    check('tableTouchedOutsideRepository', found);
  });

  it('the modules import each other in no cycle (type imports included: a cycle of types is a tangle of layers too)', async () => {
    const { measure } = await import('../scripts/archMetrics');
    expect(measure(ROOT).cycles).toEqual([]);
  });

  it('the outbox knows no feature: it imports only the kernel, the store, bot/common/ and itself', () => {
    const allowed = /^bot\/(kernel|store|common|outbox)\//;
    const found = SOURCE.filter((f) => f.startsWith('bot/outbox/')).flatMap((file) =>
      IMPORTS.get(file)!.filter((i) => i.target && !allowed.test(i.target)).map((i) => `${file} -> ${i.target}`),
    );
    expect(found).toEqual([]);
  });

  it('cards/ import only bot/common/ (and each other)', () => {
    const found: string[] = [];
    for (const file of SOURCE.filter((f) => f.startsWith('cards/'))) {
      for (const i of IMPORTS.get(file)!) {
        if (!i.target) continue; // packages (the templating library) are checked by the pure-code rule's I/O list in review
        if (i.target.startsWith('cards/') || isShared(i.target)) continue;
        found.push(`${file} -> ${i.target}`);
      }
    }
    check('cardsImportOutsideShared', found);
  });
});
