import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS, QUEUE_FUNCTIONS, TIMER_FUNCTIONS } from '../functions/registry';
import { buildBundle, REPO_ROOT, HOST_PROVIDED, LEFT_OUT, OPTIONAL_REQUIRES, type BuildBundleResult } from '../scripts/build-bundle';
import { staticGraph } from '../scripts/bench/support/moduleGraph';
import { loadEntry } from '../scripts/bench/support/functionsHost';

/**
 * Files a timer loads on its first invocation (its handler chunk and what that imports statically), about 0.6 ms
 * each (a timer loaded 39 before the one-chunk build). Set at 16 in 10455fc; raised to 18 when the slices'
 * repositories landed (the digests and retention timers reach alerts, operations and the directory through
 * them); lowered to 17 when what only some runs need loaded on those runs. Lowered to 8 when chunks shared by
 * several timers were folded together (scripts/foldChunks.ts): retention loaded 17 files, warnings and
 * accessReview 11, and now 7, 6 and 8. The cost is measured by `npm run bench -- coldImport` against the bare floor.
 */
const MAX_TIMER_FILES = 8;
const outDir = mkdtempSync(path.join(os.tmpdir(), 'concordat-build-'));
let built0: BuildBundleResult | undefined;
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the esbuild bundle of the Function App', () => {
  it('is one self-contained file that registers every function of the registry with the host', { timeout: 60_000 }, async () => {
    const built = await buildBundle({ outDir });
    expect(built.outFile).toBe(path.join(outDir, 'functions', 'index.mjs'));
    // Sanity, not a budget: megabytes of dependencies, nowhere near the 200 MiB of node_modules.
    expect(built.bytes).toBeGreaterThan(1024 * 1024);
    built0 = built;
    expect(built.bytes).toBeLessThan(40 * 1024 * 1024);
    // Only the worker's own module and try/catch-guarded optional add-ons are left to run time.
    const allowed: string[] = [...HOST_PROVIDED, ...OPTIONAL_REQUIRES];
    expect(built.externals.filter((e) => !allowed.includes(e))).toEqual([]);
    expect(built.externals).toContain('@azure/functions-core');

    // Loaded from a temp folder with no node_modules in reach, under a
    // placeholder production configuration, through a stand-in for the worker's core.
    const loaded = loadEntry(built.outFile);
    expect(loaded.stderr).not.toMatch(/test mode/);
    const http = loaded.registered.filter((f) => f.trigger === 'httpTrigger');
    const timers = loaded.registered.filter((f) => f.trigger === 'timerTrigger');
    const queues = loaded.registered.filter((f) => f.trigger === 'queueTrigger');
    expect(loaded.registered).toHaveLength(HTTP_FUNCTIONS.length + TIMER_FUNCTIONS.length + QUEUE_FUNCTIONS.length);
    expect(queues.map((f) => f.name).sort()).toEqual(QUEUE_FUNCTIONS.map((f) => f.name).sort());
    for (const spec of QUEUE_FUNCTIONS) {
      const trigger = Object.values(queues.find((f) => f.name === spec.name)!.bindings).find((b) => b.type === 'queueTrigger');
      // The default local configuration's table prefix is `concordat`: the queue the waker writes to.
      expect(trigger).toMatchObject({ queueName: `concordat-${spec.queue}`, connection: 'AzureWebJobsStorage' });
    }
    expect(http.map((f) => f.name).sort()).toEqual(HTTP_FUNCTIONS.map((f) => f.name).sort());
    expect(timers.map((f) => f.name).sort()).toEqual(TIMER_FUNCTIONS.map((f) => f.name).sort());
    for (const spec of HTTP_FUNCTIONS) {
      const trigger = Object.values(http.find((f) => f.name === spec.name)!.bindings).find((b) => b.type === 'httpTrigger');
      expect(trigger).toMatchObject({ route: spec.route, methods: spec.methods, authLevel: 'anonymous' });
    }
    for (const spec of TIMER_FUNCTIONS) {
      const trigger = Object.values(timers.find((f) => f.name === spec.name)!.bindings).find((b) => b.type === 'timerTrigger');
      expect(trigger).toMatchObject({ schedule: spec.schedule });
    }
  });

  it('refuses to load in local (unauthenticated) mode, or with no mode at all: local mode is for the dev host and tests', { timeout: 60_000 }, () => {
    const entry = path.join(outDir, 'functions', 'index.mjs');
    const base = { PATH: process.env.PATH ?? '' };
    expect(() => loadEntry(entry, { env: { ...base, CONCORDAT_MODE: 'local' } })).toThrow(/CONCORDAT_MODE=local is for the development host/);
    expect(() => loadEntry(entry, { env: base })).toThrow(/set CONCORDAT_MODE=production/);
  });

  it('refuses to load in production mode without credentials, as the tsc build does', { timeout: 60_000 }, () => {
    const entry = path.join(outDir, 'functions', 'index.mjs');
    expect(() => loadEntry(entry, { env: { PATH: process.env.PATH ?? '', CONCORDAT_MODE: 'production' } })).toThrow(
      /Concordat cannot start:[\s\S]*production mode needs MicrosoftAppId/,
    );
  });

  it('loads only what a function needs: no timer pulls in the Teams SDK, botbuilder, Graph, identity or the card templating', { timeout: 60_000 }, async () => {
    const built = built0 ?? (await buildBundle({ outDir }));
    // What the host loads in every instance: the entry and the chunks it imports statically.
    const entry = staticGraph(built.metafile, REPO_ROOT, built.outFile);
    expect(entry.sdkPackages).toEqual([]);
    // In a few files: everything the entry needs shares one chunk (oneKernelChunk in scripts/build-bundle.ts), where
    // esbuild alone split it into one chunk per set of lazy modules sharing it (a timer loaded 39 files, ~1 ms each).
    expect(entry.chunks.length).toBeLessThanOrEqual(3);
    // Each timer's handler module is a chunk of its own, loaded on its first invocation; with everything it
    // imports statically it must stay clear of the Teams layer. Whatever it posts, it builds through `import()`
    // when there is something to post (the sender loads the Bot Connector on its first send).
    const files: { timer: string; files: number }[] = [];
    for (const timer of TIMER_FUNCTIONS) {
      const graph = staticGraph(built.metafile, REPO_ROOT, built.outFile, `functions/${timer.name}.ts`);
      expect({ timer: timer.name, chunk: graph.handlerChunk !== undefined }).toEqual({ timer: timer.name, chunk: true });
      expect({ timer: timer.name, sdk: graph.sdkPackages }).toEqual({ timer: timer.name, sdk: [] });
      files.push({ timer: timer.name, files: graph.chunks.length });
    }
    // Every timer's file count, so a failure names them all.
    expect(files.filter((f) => f.files > MAX_TIMER_FILES)).toEqual([]);
    // The folding's model of esbuild's chunking (scripts/foldChunks.ts) predicted exactly the files each timer loads:
    // its choices were made on the chunks esbuild really makes.
    expect(built.folds?.folds).toBeGreaterThan(0);
    expect(built.folds!.predicted.map((p) => ({ timer: p.entry, files: p.after.files }))).toEqual(
      files.map((f) => ({ timer: `functions/${f.timer}.ts`, files: f.files })),
    );
    // And it folded: the largest timer loads far fewer files than esbuild alone would give it.
    const retention = built.folds!.predicted.find((p) => p.entry === 'functions/retention.ts')!;
    expect(retention.after.files).toBeLessThan(retention.before.files / 2);
    // The queue-triggered sender too: `outboxWake` lives in functions/outbox.ts.
    expect(staticGraph(built.metafile, REPO_ROOT, built.outFile, 'functions/outbox.ts').sdkPackages).toEqual([]);
    // `messages` loads the Teams layer (its chunk is reached through `import()` in bot/runtime.ts), but not
    // teams-ai's AI layer, which Concordat does not use: no language model client, no tokenizer.
    const teams = staticGraph(built.metafile, REPO_ROOT, built.outFile, 'bot/teams/endpoint.ts');
    expect(teams.packages).toContain('@microsoft/teams-ai');
    expect(teams.packages.filter((p) => ['openai', 'gpt-tokenizer'].includes(p))).toEqual([]);
    // Nor teams-ai's sign-in (LEFT_OUT in scripts/build-bundle.ts): no dialogs, no 2.7 MiB of text recognizers.
    const signIn = ['botbuilder-dialogs', '@microsoft/recognizers-text-suite', '@microsoft/recognizers-text-date-time', '@microsoft/recognizers-text-number', '@microsoft/recognizers-text-choice'];
    expect(teams.packages.filter((p) => signIn.includes(p))).toEqual([]);
    expect(Object.keys(built.metafile.inputs).filter((i) => /teams-ai\/lib\/authentication\/(Authentication|OAuth|TeamsSso)/.test(i))).toEqual([]);
    // And the Teams layer is really in the bundle, behind `import()`: the check above is not vacuous.
    const everything = Object.keys(built.metafile.inputs).join('\n');
    for (const pkg of ['@microsoft/teams-ai', 'botbuilder', 'adaptivecards-templating']) expect(everything).toContain(`node_modules/${pkg}/`);
  });

  it("every timer's code, and the queue-triggered sender's, loads from the folded chunks and is ready to run", { timeout: 120_000 }, async () => {
    const built = built0 ?? (await buildBundle({ outDir }));
    // Each in a fresh process, as an instance woken for it: its chunks link and evaluate (an import appended by the
    // folding that closed a cycle, or ran a module before what it needs, would fail here).
    for (const name of [...TIMER_FUNCTIONS.map((t) => t.name), ...QUEUE_FUNCTIONS.map((q) => q.name)]) {
      const ready = loadEntry(built.outFile, { warm: name });
      expect({ name, handler: ready.warmCpuMs!.handler > 0 }).toEqual({ name, handler: true });
    }
  });

  it('the Teams layer loads and builds in the bundle, and teams-ai runs a turn without its sign-in, which is left out', { timeout: 120_000 }, async () => {
    const built = built0 ?? (await buildBundle({ outDir }));
    // The app's own Teams layer: imported and built (createTeamsEdge) from the bundle, as on `messages`' first call.
    const ready = loadEntry(built.outFile, { warm: 'messages' });
    expect(ready.warmCpuMs).toBeDefined();
    // Every left-out require still names a real require of the library (an upgrade that moves it fails here).
    for (const rule of LEFT_OUT) {
      const importers = Object.keys(built.metafile.inputs).filter((i) => rule.importer.test(i));
      expect({ rule: rule.specifier, importers: importers.length > 0 }).toEqual({ rule: rule.specifier, importers: true });
    }
    // What every instance loads holds no XML parser nor proxy agents: they are behind import(), for their first use.
    const kernel = staticGraph(built.metafile, REPO_ROOT, built.outFile);
    expect(kernel.packages.filter((p) => ['fast-xml-parser', 'fast-xml-builder', '@azure/core-xml', 'https-proxy-agent', 'http-proxy-agent', 'debug'].includes(p))).toEqual([]);
    // Nor imports `node:process` as an ES module: its facade copies every property of `process` on first import,
    // opening standard input, which no function reads (processGlobal in scripts/build-bundle.ts).
    const esmImports = Object.entries(built.metafile.outputs)
      .filter(([file]) => kernel.chunks.includes(path.resolve(REPO_ROOT, file)))
      .flatMap(([, out]) => out.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path));
    expect(esmImports.filter((p) => /^(node:)?process$/.test(p))).toEqual([]);
    expect(esmImports).toContain('node:os'); // the check above reads the kernel's real imports
    // A message turn through teams-ai's Application, bundled the same way: the per-turn sign-in checks it keeps
    // run, the handler sees the text. And asking the bundle for sign-in fails loudly, with the reason.
    const turnDir = mkdtempSync(path.join(os.tmpdir(), 'concordat-turn-'));
    try {
      const turnBuild = await buildBundle({ entry: 'test/fixtures/bundledTurn.ts', outDir: turnDir });
      const program = `import(${JSON.stringify(pathToFileURL(turnBuild.outFile).href)}).then(async (m) => {
        process.stdout.write(JSON.stringify({ turn: await m.turn('hello'), signIn: m.signIn(), xml: await m.xmlError(), proxy: await m.proxiedRead() }));
      });`;
      const child = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
      // Nothing on stderr but Node's own deprecation notices about dependencies (Node 22 flags a dependency's use
      // of the built-in `punycode`): an error or warning of ours would show here.
      const notices = /^\(node:\d+\) \[DEP\d+\] DeprecationWarning: .*\n\(Use `node --trace-deprecation \.\.\.` to show where the warning was created\)\n/gm;
      expect(child.stderr.replace(notices, '')).toBe('');
      const out = JSON.parse(child.stdout) as { turn: { handled: string[]; status: number }; signIn: string; xml: unknown; proxy: unknown };
      expect(out.turn).toEqual({ handled: ['hello'], status: 200 });
      // An XML answer from storage reads the same bundled (the XML parser loaded on first use) as from source.
      const unbundled = await import('./fixtures/bundledTurn');
      expect(out.xml).toEqual(JSON.parse(JSON.stringify(await unbundled.xmlError())));
      expect(out.xml).toMatchObject({ status: 403 });
      // And a read through a proxy goes through it bundled (the proxy agents loaded on that first use) as from source.
      expect(out.proxy).toEqual(await unbundled.proxiedRead());
      expect(out.proxy).toMatchObject({ proxied: ["GET http://storage.invalid/devstoreaccount1/Things(PartitionKey='p',RowKey='r')"], status: 404 });
      // The pipeline's `import process from "node:process"` is the global `process` in the bundle (processGlobal in
      // scripts/build-bundle.ts): the User-Agent still names this Node.js, as from source.
      expect((out.proxy as { userAgent?: string }).userAgent).toContain(` Node/${process.versions.node} `);
      expect(out.signIn).toMatch(/left out of the bundle \(scripts\/build-bundle\.ts LEFT_OUT\): teams-ai's sign-in manager is built only for Application's `authentication` option/);
    } finally {
      rmSync(turnDir, { recursive: true, force: true });
    }
  });
});
