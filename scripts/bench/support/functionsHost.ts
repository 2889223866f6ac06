/**
 * Loads a built Function App entry in a fresh `node` process the way the
 * Azure Functions Node.js worker does, and reports what it registered.
 *
 * The worker makes `require('@azure/functions-core')` return its own API
 * (it wraps `Module.prototype.require`); `@azure/functions`' `app.http` and
 * `app.timer` call `registerFunction` on it. Outside the host that module is
 * missing and `@azure/functions` falls into "test mode", skipping every
 * registration with a warning. Here a stand-in core records the
 * registrations instead, so loading the entry runs the same code path as in
 * Azure and the caller can check that every function was registered.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface RegisteredFunction {
  name: string;
  /** The trigger binding's type, e.g. httpTrigger, timerTrigger. */
  trigger: string;
  /** Every binding as the host would receive it (route, methods, schedule, ...). */
  bindings: Record<string, Record<string, unknown>>;
}

export interface LoadResult {
  /** Wall clock, spawn to exit: node start-up, loading the entry, and readying `warm`'s function if asked. */
  wallMs: number;
  /** Loading the entry alone (`import()` of an .mjs, `require` of a .js), measured inside the child. */
  requireMs: number;
  /**
   * CPU time (user + system) of the child from its start to the end of the
   * measurement: what the work costs, much less sensitive than the wall clock
   * to other processes competing for the cores.
   */
  cpuMs: number;
  /** Readying the function named by `warm` (its code loaded, what its first invocation builds built); 0 without `warm`. */
  warmMs: number;
  /** The child's CPU time (ms since it started) when the entry had loaded. */
  importCpuMs: number;
  /**
   * With `warm`: the child's CPU time (ms since it started) after each step of readying the function, as the
   * entry's `warm` reports it: the runtime built, the handler's module loaded, every module its first
   * invocation needs loaded (`imported`), and what it builds from them built (`built`, as `cpuMs`).
   * With `invoke` too: the CPU time when the first invocation had finished (`firstRun`, ms since start) and what
   * the second cost (`secondRun`, ms): the first pays whatever was left for the first use.
   */
  warmCpuMs?: { runtime: number; handler: number; imported: number; built: number; firstRun?: number; secondRun?: number };
  registered: RegisteredFunction[];
  stderr: string;
}

const MARKER = '@@concordat-load-result@@';
const ERROR_MARKER = '@@concordat-load-error@@';

/**
 * The child's program: install the stand-in core, load the entry (an ES
 * module with `import()`, as the worker does for .mjs; CommonJS with
 * `require`), optionally ready one function through the entry's `warm`
 * export, and print what was registered and how long each step took.
 */
function childProgram(entry: string, warm?: string, invoke?: boolean): string {
  return `
const Module = require('module');
const registered = [];
let model;
const core = {
  version: '0.0.0-stand-in',
  hostVersion: '0.0.0-stand-in',
  registerFunction(metadata, callback) {
    if (typeof callback !== 'function') throw new Error('registerFunction without a callback: ' + metadata.name);
    const trigger = Object.values(metadata.bindings).find((b) => b.direction === 'in' && /Trigger$/.test(b.type));
    registered.push({ name: metadata.name, trigger: trigger ? trigger.type : '', bindings: metadata.bindings });
    return { dispose() {} };
  },
  setProgrammingModel(m) { model = m; },
  getProgrammingModel() { return model; },
  registerHook() { return { dispose() {} }; },
  log() {},
  Disposable: class { constructor(cb) { this.cb = cb; } dispose() { if (this.cb) this.cb(); } },
};
const originalRequire = Module.prototype.require;
Module.prototype.require = function (id) {
  return id === '@azure/functions-core' ? core : originalRequire.apply(this, arguments);
};
(async () => {
  const started = process.hrtime.bigint();
  let loaded;
  try {
    loaded = ${entry.endsWith('.mjs') ? `await import(${JSON.stringify(pathToFileURL(entry).href)})` : `require(${JSON.stringify(entry)})`};
  } catch (err) {
    // Node would print the throwing line first: one huge line, for a minified bundle.
    process.stderr.write('\\n${ERROR_MARKER}' + String((err && err.stack) || err));
    process.exit(1);
  }
  const requireMs = Number(process.hrtime.bigint() - started) / 1e6;
  const importCpuMs = (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  if (!model) throw new Error('the entry did not set the programming model');
  let warmMs = 0;
  let warmCpuMs;
  ${warm === undefined ? '' : `const warmStarted = process.hrtime.bigint();
  try {
    const ready = await loaded.warm(${JSON.stringify(warm)}${invoke ? ', { invoke: true }' : ''});
    warmCpuMs = ready && ready.cpuMs;
  } catch (err) {
    process.stderr.write('\\n${ERROR_MARKER}' + String((err && err.stack) || err));
    process.exit(1);
  }
  warmMs = Number(process.hrtime.bigint() - warmStarted) / 1e6;`}
  process.stdout.write('\\n${MARKER}' + JSON.stringify({ requireMs, warmMs, importCpuMs, warmCpuMs, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, registered }));
})();
`;
}

/**
 * A production-shaped configuration with placeholder credentials: the
 * Functions entry point refuses local mode, and loading it registers the
 * functions without contacting anything, so placeholders are enough.
 */
export const PLACEHOLDER_PRODUCTION_ENV: Record<string, string> = {
  CONCORDAT_MODE: 'production',
  MicrosoftAppId: '00000000-0000-4000-8000-00000000b075',
  MicrosoftAppPassword: 'placeholder-not-a-secret',
  MicrosoftAppTenantId: '00000000-0000-4000-8000-0000000c0dec',
  STORAGE_CONNECTION: 'DefaultEndpointsProtocol=https;AccountName=placeholder;AccountKey=cGxhY2Vob2xkZXI=;EndpointSuffix=core.windows.net',
  REFERENCE_HASH_KEY: 'placeholder-reference-hash-key-0123456789',
};

/**
 * A minimal environment: the placeholder production configuration (no real
 * settings leak in from the caller's shell) and no NODE_OPTIONS (no tsx or
 * vitest loaders in the child).
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...PLACEHOLDER_PRODUCTION_ENV, ...extra };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot', 'TEMP']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

/**
 * Spawns `node -e` that loads `entry` (an absolute path) and, with `warm`,
 * readies that function; returns the registrations and timings.
 */
export function loadEntry(
  entry: string,
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; warm?: string; invoke?: boolean; /** Node options for the child, e.g. --cpu-prof (not allowed in NODE_OPTIONS). */ nodeArgs?: string[] } = {},
): LoadResult {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [...(options.nodeArgs ?? []), '-e', childProgram(entry, options.warm, options.invoke)], {
    env: options.env ?? childEnv(),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const at = child.stdout?.lastIndexOf(MARKER) ?? -1;
  if (child.status !== 0 || at < 0) {
    const why = child.error ? child.error.message : `exit ${child.status ?? child.signal}`;
    const stderr = child.stderr ?? '';
    const thrown = stderr.lastIndexOf(ERROR_MARKER);
    const detail = thrown >= 0 ? stderr.slice(thrown + ERROR_MARKER.length) : stderr;
    throw new Error(`loading ${entry} failed (${why}):\n${detail.slice(0, 4000)}`);
  }
  const { requireMs, warmMs, importCpuMs, warmCpuMs, cpuMs, registered } = JSON.parse(child.stdout.slice(at + MARKER.length)) as {
    requireMs: number;
    warmMs: number;
    importCpuMs: number;
    warmCpuMs?: LoadResult['warmCpuMs'];
    cpuMs: number;
    registered: RegisteredFunction[];
  };
  return { wallMs, requireMs, warmMs, importCpuMs, ...(warmCpuMs ? { warmCpuMs } : {}), cpuMs, registered, stderr: child.stderr };
}
