/**
 * Bundles the Function App entry point (functions/index.ts) and everything it
 * imports, node_modules included, for Node 22 (what Azure runs):
 *
 *   npm run build:bundle   # -> dist-bundle/functions/index.mjs + chunks/*.mjs (+ .map files)
 *
 * An ES module entry with code splitting: every `import()` in the source (one
 * per function in functions/registry.ts, the Teams layer in bot/runtime.ts,
 * card builders in the timers' use cases) becomes a chunk of its own, loaded
 * when first needed. The host loads the entry in every instance, so the entry
 * holds only what registering the functions and opening the store need: an
 * instance woken for a timer never reads, compiles or runs the Teams SDK,
 * Graph or the card templating (`npm run bench -- coldImport` measures each
 * function against a bare @azure/functions app). One CommonJS file, as
 * before, cost every function the 9.5 MiB of all of them. What every instance
 * loads shares one chunk (oneKernelChunk, below); chunks shared by several
 * timers are folded together where fewer files cost less than the code a
 * timer then loads without running it (scripts/foldChunks.ts).
 *
 * The deployment needs no `npm ci`: the output folder is the whole app. The
 * Functions Node.js worker loads an `.mjs` "main" with `import()`.
 *
 * ES module output for CommonJS dependencies: the banner gives each chunk
 * `require` (bundled CommonJS code calls it for Node built-ins), `__filename`
 * and `__dirname` (some dependencies read them), as a CommonJS bundle had.
 *
 * Kept out of the bundle:
 * - `@azure/functions-core`: not an npm package but a module the Node.js
 *   language worker provides at run time (it intercepts `require` for that
 *   name). `@azure/functions`' `app.http` / `app.timer` reach the host
 *   through it, so it must stay a plain `require` in the output.
 *   `@azure/functions` itself is bundled: the v4 programming model only needs
 *   the app to load it, which the bundle does.
 * - optional add-ons that dependencies `require` inside try/catch and do
 *   without (`bufferutil`, `utf-8-validate` for ws, `encoding` for
 *   node-fetch): absent at run time, as they are today.
 * Anything else left unresolved fails the build, so the bundle never needs
 * node_modules at run time.
 *
 * Left out of the Teams layer (LEFT_OUT, below): teams-ai's sign-in. Its
 * `Application` requires the sign-in manager (MSAL, and botbuilder-dialogs,
 * which brings 2.7 MiB of Microsoft.Recognizers.Text for choice prompts) at
 * load, though it builds it only when given the `authentication` option,
 * which Concordat never passes (bot/teams/app.ts: people are known by their
 * Teams identity, not signed in). Those requires resolve to stand-ins that
 * throw, naming the reason, if anything ever touches them; the per-turn
 * sign-in helpers Application calls (`userInSignInFlow`, ...) are the
 * library's own code, kept. That is the biggest part of `messages`' cold
 * start (`npm run bench -- coldImport`); test/build.test.ts checks the
 * bundled Teams layer still loads and builds without them. Likewise the
 * tables' XML parser loads on the first XML answer, not in every instance.
 *
 * Source maps are written beside the chunks (`sourcemap: 'external'`, no
 * `sourceMappingURL` comment) for symbolicating stack traces offline; they are
 * not shipped (three times the code's size).
 */
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { planFolds, type FoldPlan } from './foldChunks';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Provided by the Azure Functions Node.js worker at run time; never bundled. */
export const HOST_PROVIDED = ['@azure/functions-core'] as const;
/** Required inside try/catch by dependencies, which work without them. */
export const OPTIONAL_REQUIRES = ['bufferutil', 'utf-8-validate', 'encoding'] as const;

/**
 * Imports inside dependencies that the bundle answers with a stand-in instead of the module, each with why
 * nothing Concordat runs needs it at start. `importer` is matched against the importing file's path. The
 * stand-in (`standIn`) throws, naming the reason, when anything touches it; or, for `lazy` rules, loads the
 * real module on the first call of an async function (the parts of it that are used) and throws for the rest.
 */
export const LEFT_OUT: readonly LeftOut[] = [
  {
    importer: /node_modules\/@microsoft\/teams-ai\/lib\/Application\.js$/,
    specifier: './authentication/Authentication',
    why: "teams-ai's sign-in manager is built only for Application's `authentication` option, which Concordat never sets",
  },
  {
    importer: /node_modules\/@microsoft\/teams-ai\/lib\/authentication\/BotAuthenticationBase\.js$/,
    specifier: 'botbuilder-dialogs',
    why: 'used only by the sign-in prompts of BotAuthenticationBase subclasses, which are left out with the sign-in manager',
  },
  {
    importer: /node_modules\/@microsoft\/teams-ai\/lib\/authentication\/BotAuthenticationBase\.js$/,
    specifier: './Authentication',
    why: 'used only by the sign-in prompts of BotAuthenticationBase subclasses, which are left out with the sign-in manager',
  },
  {
    // Every instance opens tables; none reads XML at start. The Table service answers in JSON; XML is parsed
    // only from an XML answer (the real parser loads then), and written only for access policies and service
    // properties, which Concordat never sets. The parser and its dependencies are a sixth of a timer's code.
    importer: /node_modules\/@azure\/data-tables\/dist\/esm\/(TableClient|TableServiceClient)\.js$/,
    specifier: '@azure/core-xml',
    why: 'XML request bodies are written only for table access policies and service properties, which Concordat never sets',
    lazy: { async: ['parseXML'], constants: coreXmlConstants() },
  },
];

/** @azure/core-xml's key names, read from the copy @azure/data-tables depends on (not a dependency of ours). */
function coreXmlConstants(): Record<string, string> {
  const coreXml = createRequire(require.resolve('@azure/data-tables'))('@azure/core-xml') as { XML_ATTRKEY: string; XML_CHARKEY: string };
  return { XML_ATTRKEY: coreXml.XML_ATTRKEY, XML_CHARKEY: coreXml.XML_CHARKEY };
}

export interface LeftOut {
  importer: RegExp;
  specifier: string;
  why: string;
  /** Async functions that load the real module on first call, and constants copied from it (at build time). */
  lazy?: { async: string[]; constants: Record<string, string> };
}

/** The stand-in's source (an ES module for `lazy` rules, else CommonJS whose every property read throws). */
function standIn(rule: LeftOut): string {
  const message = `${rule.specifier} is left out of the bundle (scripts/build-bundle.ts LEFT_OUT): ${rule.why}`;
  if (rule.lazy) {
    return [
      'let real;',
      ...Object.entries(rule.lazy.constants).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`),
      ...rule.lazy.async.map((name) => `export async function ${name}(...args) { real ??= import(${JSON.stringify(rule.specifier)}); return (await real).${name}(...args); }`),
      `const leftOut = () => { throw new Error(${JSON.stringify(message)}); };`,
      'export { leftOut as stringifyXML };',
    ].join('\n');
  }
  return `module.exports = new Proxy({}, { get(_, key) {
  if (typeof key === 'symbol' || key === '__esModule' || key === 'then') return undefined;
  throw new Error(${JSON.stringify(message)} + ' (read ' + String(key) + ')');
} });`;
}

const leaveOut: Plugin = {
  name: 'concordat-left-out',
  setup(b) {
    const specifiers = [...new Set(LEFT_OUT.map((l) => l.specifier))];
    const filter = new RegExp(`^(${specifiers.map((x) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => {
      if (args.namespace !== 'file') return undefined; // a lazy stand-in's own import() of the real module
      const rule = LEFT_OUT.find((l) => l.specifier === args.path && l.importer.test(args.importer.split(path.sep).join('/')));
      if (!rule) return undefined;
      return { path: `${args.path} (stand-in for ${path.basename(args.importer)})`, namespace: 'concordat-left-out', pluginData: { rule, resolveDir: args.resolveDir } };
    });
    b.onLoad({ filter: /.*/, namespace: 'concordat-left-out' }, (args) => {
      const { rule, resolveDir } = args.pluginData as { rule: LeftOut; resolveDir: string };
      return { contents: standIn(rule), loader: 'js', resolveDir };
    });
  },
};

/**
 * Rewrites of dependency files, each replacing exact text (the build fails if it is not found, so an upgrade
 * that moves it is noticed). Only for loading a module later than the library does, never for changing what
 * it does.
 */
export const REWRITES: readonly { file: RegExp; why: string; replace: [string, string][] }[] = [
  {
    // The HTTP pipeline's proxy policy (every Azure SDK client: the tables in every instance) imports both proxy
    // agents, with debug and supports-color, at start; it uses them only when a proxy is configured
    // (HTTPS_PROXY and friends), inside an async send. There they are now imported first: same agents, same
    // requests, no cost to an instance without a proxy.
    file: /node_modules\/@typespec\/ts-http-runtime\/dist\/esm\/policies\/proxyPolicy\.js$/,
    why: 'proxy agents load when a request first goes through a proxy',
    replace: [
      [
        'import { HttpsProxyAgent } from "https-proxy-agent";\nimport { HttpProxyAgent } from "http-proxy-agent";\n',
        'let HttpsProxyAgent;\nlet HttpProxyAgent;\nlet agentsLoaded;\n' +
          'const loadAgents = () => (agentsLoaded ??= Promise.all([import("https-proxy-agent"), import("http-proxy-agent")]).then(([https, http]) => {\n' +
          // Both packages are CommonJS: a bundled import() of one yields its exports as `default`.
          '    HttpsProxyAgent = (https.HttpsProxyAgent ?? https.default.HttpsProxyAgent);\n    HttpProxyAgent = (http.HttpProxyAgent ?? http.default.HttpProxyAgent);\n}));\n',
      ],
      [
        '                setProxyAgentOnRequest(request, cachedAgents, defaultProxy);',
        '                await loadAgents();\n                setProxyAgentOnRequest(request, cachedAgents, defaultProxy);',
      ],
      [
        '                setProxyAgentOnRequest(request, cachedAgents, getUrlFromProxySettings(request.proxySettings));',
        '                await loadAgents();\n                setProxyAgentOnRequest(request, cachedAgents, getUrlFromProxySettings(request.proxySettings));',
      ],
    ],
  },
];

/**
 * `import process from "node:process"` in a dependency's ES module (the HTTP pipeline's logger, environment and
 * user agent, in every instance) becomes the global `process`, which is the very object that module exports
 * (`require("node:process") === process`). Imported as an ES module, a built-in is wrapped in a facade that
 * copies every property of its exports when first imported, and reading `process.stdin` there opens standard
 * input: about 2.5 ms of every cold start, for a stream no function reads. Only this default import is
 * rewritten; a named import (`import { env } from "node:process"`) is left as it is.
 */
const PROCESS_IMPORT = /^import (\w+) from ["'](?:node:)?process["'];?[ \t]*$/m;

function processGlobal(source: string): string {
  return source.replace(new RegExp(PROCESS_IMPORT.source, 'gm'), (_, name: string) => (name === 'process' ? '' : `const ${name} = process;`));
}

const rewrite: Plugin = {
  name: 'concordat-rewrite',
  setup(b) {
    b.onLoad({ filter: /[/\\]node_modules[/\\].*\.m?js$/ }, (args) => {
      const rule = REWRITES.find((r) => r.file.test(args.path.split(path.sep).join('/')));
      let source = readFileSync(args.path, 'utf8');
      const imports = PROCESS_IMPORT.test(source);
      if (!rule && !imports) return undefined;
      for (const [from, to] of rule?.replace ?? []) {
        if (source.split(from).length !== 2) throw new BundleBuildError(`${args.path} no longer holds, once, the text the build rewrites (${rule!.why}): ${JSON.stringify(from.slice(0, 80))}`);
        source = source.replace(from, to);
      }
      if (imports) source = processGlobal(source);
      return { contents: source, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * One chunk for what every instance loads. esbuild puts each module in a chunk keyed by the set of entry points
 * (the entry and every `import()` target) that reach it; a module the entry needs, also imported by some
 * lazily loaded modules and not others, lands in a chunk of its own for each such set. An instance then loads
 * dozens of small files, each an ES module to read, compile, link and evaluate (about 1 ms each). Here every
 * lazily loaded module of the app's own source also imports the entry (an import with no effect at run time:
 * the entry has always been evaluated by then), so every module the entry reaches is reached by the same set
 * of entry points and they share one chunk. A package the app imports lazily (`import('@azure/storage-queue')`)
 * is reached through a module that re-exports it and imports the entry, for the same reason (the Azure SDK's
 * core packages are shared with the tables). Dependencies' own `import()` targets are left as they are.
 */
function oneKernelChunk(repoRoot: string, entryFile: string, lazyModules: Set<string>, folds: Map<string, string[]>): Plugin {
  return {
    name: 'concordat-one-kernel-chunk',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.namespace !== 'file' || args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        return { path: args.path, namespace: 'concordat-lazy-package' };
      });
      b.onLoad({ filter: /.*/, namespace: 'concordat-lazy-package' }, (args) => ({
        contents: `export * from ${JSON.stringify(args.path)};\nimport ${JSON.stringify(entryFile)};\n`,
        loader: 'js',
        resolveDir: repoRoot,
      }));
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        // And the modules of the chunks folded together for it (scripts/foldChunks.ts), the entry's included.
        const folded = (folds.get(args.path) ?? []).map((m) => `import ${JSON.stringify(m)};\n`).join('');
        const lazy = lazyModules.has(args.path);
        if (!lazy && !folded) return undefined;
        const source = readFileSync(args.path, 'utf8');
        return { contents: `${source}\n${lazy ? `import ${JSON.stringify(entryFile)};\n` : ''}${folded}`, loader: 'ts', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

export class BundleBuildError extends Error {
  constructor(message: string) {
    super(`Cannot bundle the functions: ${message}`);
    this.name = 'BundleBuildError';
  }
}

export interface BuildBundleOptions {
  repoRoot?: string;
  /** Entry point, relative to repoRoot. Default functions/index.ts. */
  entry?: string;
  /** Output folder. Default <repoRoot>/dist-bundle. Emptied first. */
  outDir?: string;
  /** Default true. */
  minify?: boolean;
  /**
   * The lazily loaded modules (relative paths) whose cold start the chunk folding weighs (scripts/foldChunks.ts);
   * none, no folding. Default: the timers' handler modules for the default entry, none for any other.
   */
  fold?: string[];
}

const DEFAULT_ENTRY = 'functions/index.ts';

/** Gives each ES module chunk what bundled CommonJS code expects of a CommonJS module. */
export const ESM_BANNER = [
  "import { createRequire as __concordatRequire } from 'node:module';",
  "import { fileURLToPath as __concordatPath } from 'node:url';",
  "import { dirname as __concordatDirname } from 'node:path';",
  'const require = __concordatRequire(import.meta.url);',
  'const __filename = __concordatPath(import.meta.url);',
  'const __dirname = __concordatDirname(__filename);',
].join('\n');

export interface BuildBundleResult {
  /** The entry: <outDir>/functions/index.mjs for the default entry. */
  outFile: string;
  /** Every file to deploy (the entry and its chunks), absolute paths, source maps excluded. */
  files: string[];
  /** Bytes of `files`. */
  bytes: number;
  mapBytes: number;
  /** Source files that went into the bundle. */
  inputs: number;
  /** Modules the bundle still `require`s at run time (Node built-ins left out). */
  externals: string[];
  warnings: string[];
  /** esbuild's account of the build: which source went into which chunk, and how chunks import each other. */
  metafile: Metafile;
  /** The chunk folding planned for this build (scripts/foldChunks.ts), when there was one. */
  folds?: FoldPlan;
}

const BUILTINS = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

export async function buildBundle(options: BuildBundleOptions = {}): Promise<BuildBundleResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const entry = options.entry ?? DEFAULT_ENTRY;
  const outDir = options.outDir ?? path.join(repoRoot, 'dist-bundle');
  const outFile = path.join(outDir, entry.replace(/\.[cm]?tsx?$/, '.mjs'));

  rmSync(outDir, { recursive: true, force: true });
  const esbuildOptions = {
    absWorkingDir: repoRoot,
    entryPoints: { [entry.replace(/\.[cm]?tsx?$/, '')]: path.join(repoRoot, entry) },
    outdir: outDir,
    outbase: '.',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'functions/chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: ESM_BANNER },
    minify: options.minify ?? true,
    keepNames: true,
    sourcemap: 'external',
    external: [...HOST_PROVIDED],
    metafile: true as const,
    logLevel: 'silent' as const,
  } satisfies BuildOptions;
  // First pass, nothing written: which of the app's own modules are loaded lazily (`import()` targets), and the
  // module graph the chunks are folded on (minified, as the sizes the fold weighs).
  const plan = await build({ ...esbuildOptions, write: false, sourcemap: false, plugins: [leaveOut, rewrite] });
  const lazyModules = new Set<string>();
  for (const input of Object.values(plan.metafile.inputs)) {
    for (const i of input.imports) {
      if (i.kind === 'dynamic-import' && !i.path.includes('node_modules/') && i.path.endsWith('.ts')) lazyModules.add(path.resolve(repoRoot, i.path));
    }
  }
  // The timers of this repository's registry, when this is its entry (a repository that has them).
  const timers = entry === DEFAULT_ENTRY ? TIMER_FUNCTIONS.map((f) => `functions/${f.name}.ts`).filter((m) => m in plan.metafile.inputs) : [];
  const weigh = options.fold ?? timers;
  const folds = weigh.length > 0 ? planFolds(plan.metafile, repoRoot, entry, weigh) : undefined;
  const result = await build({ ...esbuildOptions, plugins: [leaveOut, rewrite, oneKernelChunk(repoRoot, path.join(repoRoot, entry), lazyModules, folds?.inject ?? new Map())] });

  const outputs = Object.entries(result.metafile.outputs).map(([file, out]) => ({ file: path.resolve(repoRoot, file), out }));
  if (!outputs.some((o) => o.file === outFile)) throw new BundleBuildError(`esbuild wrote no ${path.relative(repoRoot, outFile)}`);
  const code = outputs.filter((o) => !o.file.endsWith('.map'));
  const externals = [...new Set(code.flatMap((o) => externalImports(o.out)))].sort();
  const allowed = new Set<string>([...HOST_PROVIDED, ...OPTIONAL_REQUIRES]);
  const unexpected = externals.filter((specifier) => !allowed.has(specifier));
  if (unexpected.length > 0) {
    throw new BundleBuildError(
      `the bundle would still need ${unexpected.join(', ')} from node_modules at run time ` +
        '(a dynamic require esbuild cannot follow?): bundle it, or list it in build-bundle.ts with the reason',
    );
  }
  return {
    outFile,
    files: code.map((o) => o.file).sort(),
    bytes: code.reduce((n, o) => n + o.out.bytes, 0),
    mapBytes: outputs.filter((o) => o.file.endsWith('.map')).reduce((n, o) => n + o.out.bytes, 0),
    inputs: Object.keys(result.metafile.inputs).length,
    externals,
    warnings: result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`),
    metafile: result.metafile,
    ...(folds ? { folds } : {}),
  };
}

function externalImports(output: Metafile['outputs'][string]): string[] {
  return output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path);
}

if (require.main === module) {
  buildBundle()
    .then((r) => {
      for (const w of r.warnings) console.warn(`warning: ${w}`);
      const rel = path.relative(process.cwd(), r.outFile);
      console.log(
        `${rel} and ${r.files.length - 1} chunks: ${(r.bytes / 1024 / 1024).toFixed(2)} MiB from ${r.inputs} source files ` +
          `(map ${(r.mapBytes / 1024 / 1024).toFixed(1)} MiB, not shipped); ` +
          `left to run time: ${r.externals.join(', ') || 'nothing'}`,
      );
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
