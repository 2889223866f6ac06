import { app } from '@azure/functions';
import { runtimeFromEnv } from '../bot/runtime';
import { HTTP_FUNCTIONS, TIMER_FUNCTIONS } from './registry';

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
