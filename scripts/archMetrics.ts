/**
 * Architecture metrics for issue 14 (one capability, one folder), measured over bot/, cards/ and functions/:
 *   (a) upward imports: imports that go against the layering below,
 *   (b) import cycles: strongly connected components of the module graph, with their members,
 *   (c) the largest files by lines,
 *   (d) table access spread: raw `store.<table>` uses outside the slice that owns the table, per folder,
 *       and every call site of `incidentPartitionKey`.
 *
 * Usage: npm run arch:metrics [-- <repo root>] [--json]
 * Reads files only; run it on an old checkout (git worktree add /tmp/before <commit>) to compare.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layering, lowest first. A module may import its own layer or a lower one; anything else is upward.
 * bot/domain is the old flat bag: its vocabulary files count as common, its feature files as slices (SHARED_DOMAIN).
 * cards/ are views: they may use kernel and common vocabulary only.
 */
const LAYERS = ['kernel', 'common', 'cards', 'store', 'outbox', 'slice', 'app'] as const;
type Layer = (typeof LAYERS)[number];

/** Every capability slice: a slice may use another slice's use cases or repository (same layer). */
const SLICES = [
  'incidents', 'alerts', 'priorities', 'operations', 'digests', 'warnings', 'channels', 'directory', 'conversation',
  'partners', 'search', 'audit', 'retention', 'reminders', 'userViews', 'notices',
];

/**
 * Files of the old flat bot/domain/ that are vocabulary every slice uses (they moved to bot/common/); the other
 * bot/domain files served one feature and are counted with the slices, so that before and after compare alike.
 */
const SHARED_DOMAIN = new Set([
  'borough', 'common', 'firstNames', 'formErrors', 'member', 'organisation', 'permissions', 'personalData', 'plainText',
  'stableId', 'taxonomy', 'textNormalise', 'theme', 'timezone', 'isoWeek', 'signature',
]);

function layerOf(file: string): Layer {
  const parts = file.split('/');
  if (parts[0] === 'cards') return 'cards';
  if (parts[0] === 'functions') return 'app';
  if (parts[0] !== 'bot') return 'app';
  const top = parts[1] ?? '';
  if (parts.length === 2) {
    // Loose files directly under bot/ (before the restructure).
    if (top === 'context.ts' || top === 'config.ts') return 'kernel';
    if (top === 'referenceData.ts') return 'slice';
    return 'app'; // commands.ts, runtime.ts, health.ts, tables.ts: the composition root.
  }
  if (top === 'kernel') return 'kernel';
  if (top === 'common') return 'common';
  if (top === 'domain') return SHARED_DOMAIN.has((parts[2] ?? '').replace(/\.ts$/, '')) ? 'common' : 'slice';
  if (top === 'store' || top === 'graph') return 'store'; // graph: an I/O adapter beside storage.
  if (top === 'outbox') return 'outbox';
  if (SLICES.includes(top)) return 'slice';
  return 'app'; // teams/, seed/, commands
}

/** The slice owning each table (its tables.ts spells the keys); used for (d). */
const TABLE_OWNER: Record<string, string> = {
  members: 'directory', directory: 'directory', joinRequests: 'directory', accessReviews: 'directory',
  conversations: 'conversation', audit: 'audit', channelMappings: 'channels',
  outbox: 'outbox', outboxDue: 'outbox', outboxLease: 'outbox',
  prioritySets: 'priorities', priorityPosts: 'priorities',
  alerts: 'alerts', alertDeliveries: 'alerts', partnerRequests: 'partners',
  incidents: 'incidents', incidentIndex: 'incidents', incidentSubmissions: 'incidents', reportDefaults: 'incidents', counters: 'incidents',
  incidentFinder: 'search', accessRequests: 'search',
  operations: 'operations', reminders: 'operations',
  digestSubscriptions: 'digests', digestAllowances: 'digests', weekStats: 'digests', digestDeliveries: 'digests',
  warnings: 'warnings', complaintIndex: 'warnings',
};

const ROOTS = ['bot', 'cards', 'functions'];

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const rel = `${dir}/${name}`;
    const st = statSync(join(root, rel));
    if (st.isDirectory()) out.push(...listFiles(root, rel));
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(rel);
  }
  return out;
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT_RE = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC_RE = /(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = join(dirname(from), spec);
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    if (candidate.endsWith('.ts') && existsSync(join(root, candidate))) return candidate.split('\\').join('/');
  }
  return undefined;
}

function importsOf(root: string, file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const to = resolveImport(root, file, m[3]!);
    if (to) out.push({ from: file, to, typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(DYNAMIC_RE)) {
    const to = resolveImport(root, file, m[1]!);
    if (to) out.push({ from: file, to, typeOnly: false });
  }
  return out;
}

/** Tarjan's strongly connected components; returns the components with more than one member (or a self-import). */
function cycles(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out.sort((a, b) => b.length - a.length);
}

function sliceOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'bot' && parts.length > 2 ? parts[1]! : parts[0] === 'bot' ? 'bot' : parts[0]!;
}

export function measure(root: string) {
  const files = ROOTS.flatMap((r) => listFiles(root, r)).sort();
  const texts = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const imports = files.flatMap((f) => importsOf(root, f, texts.get(f)!));

  const upward = imports
    .filter((i) => LAYERS.indexOf(layerOf(i.to)) > LAYERS.indexOf(layerOf(i.from)))
    .map((i) => ({ ...i, fromLayer: layerOf(i.from), toLayer: layerOf(i.to) }));

  const runtimeEdges = new Map<string, Set<string>>();
  const allEdges = new Map<string, Set<string>>();
  for (const i of imports) {
    if (!allEdges.has(i.from)) allEdges.set(i.from, new Set());
    allEdges.get(i.from)!.add(i.to);
    if (i.typeOnly) continue;
    if (!runtimeEdges.has(i.from)) runtimeEdges.set(i.from, new Set());
    runtimeEdges.get(i.from)!.add(i.to);
  }

  const lines = files
    .map((f) => ({ file: f, lines: texts.get(f)!.split('\n').length - (texts.get(f)!.endsWith('\n') ? 1 : 0) }))
    .sort((a, b) => b.lines - a.lines);

  // (d) Raw table access: `store.<table>` (ctx.store.x, deps.store.x, store.x) outside the owning slice.
  const spread: Record<string, Record<string, number>> = {};
  let rawUses = 0;
  let foreignUses = 0;
  const foldersTouching = new Set<string>();
  for (const f of files) {
    for (const m of texts.get(f)!.matchAll(/\bstore\.([A-Za-z]+)\b/g)) {
      const owner = TABLE_OWNER[m[1]!];
      if (!owner) continue;
      rawUses++;
      const folder = sliceOf(f);
      foldersTouching.add(folder);
      if (folder === owner || f.startsWith('bot/store/')) continue;
      foreignUses++;
      spread[folder] ??= {};
      spread[folder][m[1]!] = (spread[folder][m[1]!] ?? 0) + 1;
    }
  }
  const partitionKeyCalls = files.flatMap((f) =>
    texts
      .get(f)!
      .split('\n')
      .flatMap((line, n) => (/incidentPartitionKey\s*\(/.test(line) && !/function\s+incidentPartitionKey/.test(line) ? [`${f}:${n + 1}: ${line.trim()}`] : [])),
  );

  // Partition keys spelt outside the store and the slices' tables.ts (the only places keys should be spelt).
  const keySpellings = files.flatMap((f) =>
    f.startsWith('bot/store/') || f.endsWith('/tables.ts') ? [] : [{ file: f, n: (texts.get(f)!.match(/\bpartitionKey\b/g) ?? []).length }],
  ).filter((k) => k.n > 0);

  return {
    files: files.length,
    keySpellings,
    totalLines: lines.reduce((s, l) => s + l.lines, 0),
    upward,
    cycles: cycles(files, allEdges),
    runtimeCycles: cycles(files, runtimeEdges),
    largest: lines.slice(0, 10),
    tableAccess: { rawUses, foreignUses, foldersTouching: [...foldersTouching].sort(), foreignBySlice: spread },
    partitionKeyCalls,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const root = resolve(args.find((a) => !a.startsWith('--')) ?? process.cwd());
  const m = measure(root);
  if (json) {
    console.log(JSON.stringify(m, null, 2));
    return;
  }
  const byKind = new Map<string, number>();
  for (const u of m.upward) byKind.set(`${u.fromLayer} -> ${u.toLayer}`, (byKind.get(`${u.fromLayer} -> ${u.toLayer}`) ?? 0) + 1);
  console.log(`Measured ${m.files} files (${m.totalLines} lines) under ${ROOTS.join(', ')} of ${root}`);
  console.log(`\n(a) Upward imports: ${m.upward.length} (${m.upward.filter((u) => u.typeOnly).length} type-only)`);
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${n.toString().padStart(4)}  ${k}`);
  for (const u of m.upward) console.log(`        ${u.from} -> ${u.to}${u.typeOnly ? ' (type)' : ''}`);
  const members = (c: string[][]) => c.reduce((s, x) => s + x.length, 0);
  console.log(`\n(b) Import cycles (strongly connected components, all imports): ${m.cycles.length}, ${members(m.cycles)} modules`);
  for (const c of m.cycles) console.log(`  [${c.length}] ${c.join(', ')}`);
  console.log(`    Counting runtime imports only (no 'import type'): ${m.runtimeCycles.length}, ${members(m.runtimeCycles)} modules`);
  for (const c of m.runtimeCycles) console.log(`  [${c.length}] ${c.join(', ')}`);
  console.log('\n(c) Largest files (lines):');
  for (const l of m.largest) console.log(`  ${l.lines.toString().padStart(5)}  ${l.file}`);
  const t = m.tableAccess;
  console.log(`\n(d) Raw store.<table> uses: ${t.rawUses} in ${t.foldersTouching.length} folders (${t.foldersTouching.join(', ')})`);
  console.log(`    outside the owning slice: ${t.foreignUses}`);
  for (const [folder, tables] of Object.entries(t.foreignBySlice).sort()) {
    console.log(`  ${folder}: ${Object.entries(tables).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  const spelt = m.keySpellings.reduce((s, k) => s + k.n, 0);
  console.log(`    'partitionKey' spelt outside bot/store and tables.ts: ${spelt} times in ${m.keySpellings.length} files`);
  console.log(`    incidentPartitionKey call sites: ${m.partitionKeyCalls.length}`);
  for (const c of m.partitionKeyCalls) console.log(`  ${c}`);
}

if (require.main === module) main();
