import path from 'node:path';
import type { Metafile } from 'esbuild';

/**
 * Fewer files per timer: which chunks of the bundle to fold together, decided from the module graph.
 *
 * esbuild puts each module in a chunk keyed by the set of entry points (the entry and every `import()` target)
 * that reach it through static imports. A timer that uses the repositories of a dozen slices, each shared with a
 * different set of other lazily loaded modules, so loads a dozen small files; retention loaded 14 beyond the
 * shared kernel chunk. Each file an instance loads is an ES module to open, read, compile, link and evaluate:
 * measured on the bundle (`npm run bench -- coldImport`, the handler step of a timer's cold start), about
 * COST_PER_FILE_MS per file against COST_PER_KIB_MS per KiB of code in it, so one file costs as much as about
 * 13 KiB more code.
 *
 * Two chunks A and B become one when every entry point reaching either reaches both: the build appends to each
 * such entry module (all are the app's own lazily loaded modules) an import of the app modules of A and B. The
 * import has no effect at run time beyond what the chunk's loading does anyway (an ES module's body runs when
 * its chunk loads; the app's modules build nothing at load, test/lazySchemas.test.ts). An entry that reached
 * only A now also loads B's code: that is the price, so a fold is taken only when the model says it pays.
 *
 * The plan is greedy on the same sums the bench measures: starting from esbuild's own chunks, it repeatedly
 * takes the fold that most lowers the timers' total cost (files x COST_PER_FILE_MS + KiB x COST_PER_KIB_MS,
 * over what each timer loads: the entry, its handler and their static imports), provided that no timer's
 * cost rises by more than TIMER_TOLERANCE_MS over the unfolded build, and no other lazily loaded module's (the
 * Teams layer, a posting path a timer loads when something is due) by more than OTHER_TOLERANCE_MS. It
 * predicts the chunks esbuild will make from the sets of entry points, which test/build.test.ts checks
 * against the real build.
 */
export const COST_PER_FILE_MS = 0.6;
export const COST_PER_KIB_MS = 0.045;
/** A small timer (outbox, escalations) may pay this much more for a fold that saves the large ones files. */
export const TIMER_TOLERANCE_MS = 0.3;
export const OTHER_TOLERANCE_MS = 1;

export interface FoldPlan {
  /** For each lazily loaded module (absolute path): the app modules (absolute paths) the build appends imports of. */
  inject: Map<string, string[]>;
  /** What each weighed entry (a timer's handler module, relative path) loads: files and bytes, before and after. */
  predicted: { entry: string; before: { files: number; bytes: number }; after: { files: number; bytes: number } }[];
  folds: number;
}

interface Graph {
  modules: string[];
  index: Map<string, number>;
  statics: number[][];
  bytes: number[];
  entries: number[]; // module index of each entry point (0 = the main entry)
  injectable: boolean[]; // per entry: an app module the build may append imports to
}

const isApp = (file: string) => /\.ts$/.test(file) && !file.includes('node_modules/') && !file.includes(':');

function readGraph(metafile: Metafile, mainEntry: string): Graph {
  const modules = Object.keys(metafile.inputs);
  const index = new Map(modules.map((m, i) => [m, i]));
  const statics: number[][] = modules.map(() => []);
  const dynamicTargets = new Set<number>();
  const kernelEdges: number[] = [];
  const main = index.get(mainEntry);
  if (main === undefined) throw new Error(`${mainEntry} is not in the build`);
  modules.forEach((m, i) => {
    for (const imp of metafile.inputs[m]!.imports) {
      if (imp.external) continue;
      const j = index.get(imp.path);
      if (j === undefined) continue;
      if (imp.kind === 'import-statement' || imp.kind === 'require-call') statics[i]!.push(j);
      else if (imp.kind === 'dynamic-import') {
        dynamicTargets.add(j);
        // oneKernelChunk (build-bundle.ts): the app's lazily loaded modules, and packages it imports lazily,
        // also import the entry.
        if (!m.includes('node_modules/')) kernelEdges.push(j);
      }
    }
  });
  for (const j of kernelEdges) if (j !== main && !statics[j]!.includes(main)) statics[j]!.push(main);
  const bytes = modules.map(() => 0);
  for (const out of Object.values(metafile.outputs)) {
    for (const [input, v] of Object.entries(out.inputs)) {
      const i = index.get(input);
      if (i !== undefined) bytes[i]! += v.bytesInOutput;
    }
  }
  const entries = [main, ...[...dynamicTargets].filter((j) => j !== main)];
  return { modules, index, statics, bytes, entries, injectable: entries.map((e) => e !== main && isApp(modules[e]!)) };
}

/** The modules reached from `from` through static imports. */
function closure(g: Graph, from: Iterable<number>): Set<number> {
  const seen = new Set<number>();
  const stack = [...from];
  while (stack.length) {
    const m = stack.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    for (const n of g.statics[m]!) stack.push(n);
  }
  return seen;
}

type Sets = bigint[]; // per module: the entry points (bit k = g.entries[k]) reaching it

function entrySets(g: Graph): Sets {
  const sets: Sets = g.modules.map(() => 0n);
  g.entries.forEach((e, k) => {
    for (const m of closure(g, [e])) sets[m]! |= 1n << BigInt(k);
  });
  return sets;
}

interface Chunking {
  /** Chunk id per module: `e<k>` for entry k's own chunk, else the set of entries as a string. */
  chunkOf: string[];
  members: Map<string, number[]>;
  /** Each entry's file (its own chunk) and what that chunk imports. */
  load(k: number): { files: Set<string>; bytes: number };
}

function chunking(g: Graph, sets: Sets): Chunking {
  const single = new Map<bigint, number>();
  g.entries.forEach((_, k) => single.set(1n << BigInt(k), k));
  const chunkOf = sets.map((s) => (single.has(s) ? `e${single.get(s)}` : s.toString(36)));
  const members = new Map<string, number[]>();
  chunkOf.forEach((c, m) => {
    if (sets[m] === 0n) return; // not reached statically from any entry (esbuild drops it)
    members.set(c, [...(members.get(c) ?? []), m]);
  });
  const imports = new Map<string, Set<string>>();
  const bytesOf = new Map<string, number>();
  for (const [c, ms] of members) {
    const out = new Set<string>();
    let b = 0;
    for (const m of ms) {
      b += g.bytes[m]!;
      for (const n of g.statics[m]!) if (chunkOf[n] !== c) out.add(chunkOf[n]!);
    }
    imports.set(c, out);
    bytesOf.set(c, b);
  }
  const load = (k: number) => {
    // An entry's own file holds its module when no other entry reaches it; else it imports that module's chunk.
    // Every instance has loaded the main entry (and what it imports) first.
    const own = `e${k}`;
    const start = [own, chunkOf[g.entries[k]!]!, 'e0', chunkOf[g.entries[0]!]!];
    const files = new Set<string>();
    while (start.length) {
      const c = start.pop()!;
      if (files.has(c)) continue;
      files.add(c);
      for (const d of imports.get(c) ?? []) start.push(d);
    }
    let bytes = 0;
    for (const c of files) bytes += bytesOf.get(c) ?? 0;
    return { files, bytes };
  };
  return { chunkOf, members, load };
}

const cost = (l: { files: Set<string>; bytes: number }) => l.files.size * COST_PER_FILE_MS + (l.bytes / 1024) * COST_PER_KIB_MS;

/**
 * Plans the folds for a build whose plan-pass metafile is `metafile` (made without oneKernelChunk, which this
 * models), `mainEntry` and `weighed` (the timers' handler modules) as paths relative to `repoRoot`, as esbuild
 * names inputs.
 */
export function planFolds(metafile: Metafile, repoRoot: string, mainEntry: string, weighed: string[]): FoldPlan {
  const g = readGraph(metafile, mainEntry);
  const k = (file: string) => {
    const m = g.index.get(file);
    const at = m === undefined ? -1 : g.entries.indexOf(m);
    if (at < 0) throw new Error(`${file} is not loaded lazily in this build`);
    return at;
  };
  const timers = weighed.map(k);
  const others = g.entries.map((_, i) => i).filter((i) => i !== 0 && !timers.includes(i) && g.injectable[i]);
  let sets = entrySets(g);
  const start = chunking(g, sets);
  const baseline = g.entries.map((_, i) => cost(start.load(i)));
  const inject = new Map<number, Set<number>>();
  let folds = 0;
  for (;;) {
    const now = chunking(g, sets);
    const kernel = now.load(0).files;
    const total = timers.reduce((n, t) => n + cost(now.load(t)), 0);
    // Candidates: the shared chunks the timers load beyond the kernel, each with app modules to import.
    const candidates = [...new Set(timers.flatMap((t) => [...now.load(t).files]))].filter(
      (c) => !kernel.has(c) && !c.startsWith('e') && now.members.get(c)!.some((m) => isApp(g.modules[m]!)),
    );
    let best: { sets: Sets; gain: number; group: number[]; entries: number[] } | undefined;
    const consider = (group: number[], union: bigint, entries: number[]) => {
      const downstream = closure(g, group);
      // An injected import must not close a cycle back to the module it is appended to.
      if (entries.some((e) => downstream.has(g.entries[e]!))) return;
      const next = sets.map((s, m) => (downstream.has(m) ? s | union : s));
      const after = chunking(g, next);
      const costs = g.entries.map((_, e) => (timers.includes(e) || others.includes(e) ? cost(after.load(e)) : 0));
      if (timers.some((t) => costs[t]! > baseline[t]! + TIMER_TOLERANCE_MS)) return;
      if (others.some((o) => costs[o]! > baseline[o]! + OTHER_TOLERANCE_MS)) return;
      const gain = total - timers.reduce((n, t) => n + costs[t]!, 0);
      if (gain > 1e-9 && (!best || gain > best.gain)) best = { sets: next, gain, group, entries };
    };
    const appModules = (c: string) => now.members.get(c)!.filter((m) => isApp(g.modules[m]!));
    for (let i = 0; i < candidates.length; i++) {
      // Into the kernel: the main entry imports it, so every instance loads it (every entry reaches the main one).
      consider(appModules(candidates[i]!), sets[g.entries[0]!]!, [0]);
      for (let j = i + 1; j < candidates.length; j++) {
        const group = [...appModules(candidates[i]!), ...appModules(candidates[j]!)];
        const union = group.reduce((s, m) => s | sets[m]!, 0n);
        const entries = g.entries.map((_, e) => e).filter((e) => (union >> BigInt(e)) & 1n);
        if (entries.some((e) => !g.injectable[e])) continue;
        consider(group, union, entries);
      }
    }
    if (!best) break;
    sets = best.sets;
    folds++;
    for (const e of best.entries) {
      const into = inject.get(e) ?? new Set<number>();
      for (const m of best.group) into.add(m);
      inject.set(e, into);
    }
  }
  const end = chunking(g, sets);
  const abs = (m: number) => path.resolve(repoRoot, g.modules[m]!);
  return {
    inject: new Map([...inject].map(([e, ms]) => [abs(g.entries[e]!), [...ms].map(abs).sort()])),
    predicted: timers.map((t) => {
      const [b, a] = [start.load(t), end.load(t)];
      // Plus one file the model does not see: esbuild's runtime helpers, a chunk of their own that every chunk imports.
      return { entry: g.modules[g.entries[t]!]!, before: { files: b.files.size + 1, bytes: b.bytes }, after: { files: a.files.size + 1, bytes: a.bytes } };
    }),
    folds,
  };
}
