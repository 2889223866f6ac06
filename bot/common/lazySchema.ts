import type { z } from 'zod';

/**
 * A zod schema built the first time anything touches it (parses with it, reads its shape, extends it), not when
 * its module loads.
 *
 * Why: every instance loads every slice's model and table definitions (bot/tables.ts opens all tables), which
 * declared about 1,350 schemas at load; a timer uses a hundred of them. zod v3 builds each schema eagerly (24
 * bound methods apiece), which was a third of a timer's cold start over the bare Functions app
 * (`npm run bench -- coldImport`, docs/performance.md). Declared this way, a schema costs nothing until used:
 *
 *   export const Incident = lazySchema(() => z.object({ ... }));
 *   export type Incident = z.infer<typeof Incident>;
 *
 * The value has the schema's own type and behaves as the schema: `parse`, `.shape`, `.extend(...)`, use inside
 * another schema, `instanceof`. Only identity differs (it is a stand-in forwarding to the built schema), which
 * nothing compares. Declare every top-level schema this way; test/lazySchemas.test.ts names any built at import.
 */
export function lazySchema<T extends z.ZodTypeAny>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => {
    if (built === undefined) {
      built = build();
      lazySchemasBuilt++;
    }
    return built;
  };
  // Methods are handed out bound to the built schema (as zod binds parse, safeParse, ...), so zod's own code runs
  // on the schema itself, not through the stand-in; one bound copy per method.
  const bound = new Map<PropertyKey, { fn: unknown; bound: unknown }>();
  return new Proxy({} as T, {
    get(_, key) {
      const real = schema();
      const value: unknown = Reflect.get(real, key, real);
      if (typeof value !== 'function' || key === 'constructor') return value;
      let cached = bound.get(key);
      if (cached?.fn !== value) {
        cached = { fn: value, bound: (value as (...args: unknown[]) => unknown).bind(real) };
        bound.set(key, cached);
      }
      return cached.bound;
    },
    set: (_, key, value) => Reflect.set(schema(), key, value),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      // The stand-in's own target has no such property: a proxy may report it only as configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}

let lazySchemasBuilt = 0;

/** How many lazily declared schemas this process has built so far (for tests and the cold-start bench). */
export function lazySchemaCount(): number {
  return lazySchemasBuilt;
}
