import { app } from '@azure/functions';
import { ConfigError, loadConfig } from '../bot/kernel/config';
import { createRuntime, runtimeFromEnv } from '../bot/runtime';
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
 */
export async function warm(name: string): Promise<{ cpuMs: { runtime: number; handler: number; imported: number; built: number } }> {
  const cpu = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  const fn = [...HTTP_FUNCTIONS, ...TIMER_FUNCTIONS, ...QUEUE_FUNCTIONS].find((f) => f.name === name);
  if (!fn) throw new Error(`no function named ${name}`);
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
