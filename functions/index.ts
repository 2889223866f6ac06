import { app, InvocationContext } from '@azure/functions';
import { ConfigError, loadConfig } from '../bot/kernel/config';
import { createRuntime, runtimeFromEnv, type Runtime } from '../bot/runtime';
import { wakeQueueName } from '../bot/outbox/wake';
import { HTTP_FUNCTIONS, QUEUE_FUNCTIONS, TIMER_FUNCTIONS } from './registry';

// Fail at load, before any function is registered: a misconfigured production
// app must not start, let alone answer unauthenticated.
const config = loadConfig(process.env);
// Local mode is unauthenticated: it belongs to the dev host and the tests, never to the Functions host (which
// ignores HOST, so local mode's loopback check would prove nothing here).
if (config.mode !== 'production') {
  throw new ConfigError(['CONCORDAT_MODE=local is for the development host (npm start) and the tests; the Functions host runs CONCORDAT_MODE=production only.']);
}

/** Entry point for the Azure Functions host: registers every function from the registry. */
for (const fn of HTTP_FUNCTIONS) {
  app.http(fn.name, {
    route: fn.route,
    methods: fn.methods,
    authLevel: 'anonymous',
    handler: async (request, context) => fn.handler(request, context, await runtimeFromEnv()),
  });
}
for (const fn of TIMER_FUNCTIONS) {
  app.timer(fn.name, {
    schedule: fn.schedule,
    handler: async (timer, context) => fn.handler(timer, context, await runtimeFromEnv()),
  });
}
for (const fn of QUEUE_FUNCTIONS) {
  app.storageQueue(fn.name, {
    queueName: wakeQueueName(config.tablePrefix),
    // The app's own storage account (managed identity in Azure: AzureWebJobsStorage__accountName).
    connection: 'AzureWebJobsStorage',
    handler: async (message, context) => fn.handler(message, context, await runtimeFromEnv()),
  });
}

/**
 * Loads one function's code and builds what its first invocation builds (the
 * Teams layer, for `messages`), without invoking it or touching storage.
 * Nothing in the host calls this: functions load lazily on first invocation.
 * The cold-start bench (scripts/bench/coldImport.ts) calls it in a fresh
 * process to time "entry loaded and this function ready" per function; it
 * returns the process's CPU time (ms since start) after each step, so the
 * bench can tell loading code ("import") from building with it ("built").
 *
 * With `invoke` (timers and the queue trigger only), it then runs the function twice as the host would, on the
 * runtime the host builds (runtimeFromEnv: the configured store): whatever a first invocation pays before its
 * work (the runtime, table clients, schemas built on first use, modules loaded on first call) shows as the first
 * run costing more than the second. So nothing deferred out of the import escapes the bench.
 */
export async function warm(
  name: string,
  options: { invoke?: boolean } = {},
): Promise<{ cpuMs: { runtime: number; handler: number; imported: number; built: number; firstRun?: number; secondRun?: number } }> {
  const cpu = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  const fn = [...HTTP_FUNCTIONS, ...TIMER_FUNCTIONS, ...QUEUE_FUNCTIONS].find((f) => f.name === name);
  if (!fn) throw new Error(`no function named ${name}`);
  if (options.invoke) {
    const invoke = invocation(name);
    const runtime = await runtimeFromEnv();
    const afterRuntime = cpu();
    await fn.handler.load();
    const afterHandler = cpu();
    await invoke(runtime);
    const firstRun = cpu();
    await invoke(runtime);
    return { cpuMs: { runtime: afterRuntime, handler: afterHandler, imported: afterHandler, built: afterHandler, firstRun, secondRun: cpu() - firstRun } };
  }
  const runtime = createRuntime(config);
  const afterRuntime = cpu();
  await fn.handler.load();
  const afterHandler = cpu();
  const prepare = 'prepare' in fn ? fn.prepare : undefined;
  if (prepare) await prepare.load();
  const imported = cpu();
  if (prepare) await prepare.build(runtime);
  return { cpuMs: { runtime: afterRuntime, handler: afterHandler, imported, built: cpu() } };
}

/** One invocation of a timer or queue function as the host makes it (a timer that is on time; an empty wake message). */
function invocation(name: string): (runtime: Runtime) => Promise<void> {
  const context = new InvocationContext({ invocationId: 'warm', functionName: name, logHandler: () => {} });
  const timer = TIMER_FUNCTIONS.find((f) => f.name === name);
  if (timer) return (runtime) => timer.handler({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, context, runtime);
  const queue = QUEUE_FUNCTIONS.find((f) => f.name === name);
  if (queue) return (runtime) => queue.handler({ wake: 'outbox' }, context, runtime);
  throw new Error(`${name} is not a timer or queue function: only those can be invoked without a request`);
}
