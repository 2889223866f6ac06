import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema, lazySchemaCount } from '../bot/common/lazySchema';
// No other module of the app is imported statically here: the second test must see them load.

/**
 * Records every zod schema built from now on, by where in the app's code it was built (file:line), until the
 * returned `stop` is called. zod's ZodType constructor binds `parse` onto each new schema (`this.parse =
 * this.parse.bind(this)`); an accessor on the prototype sees that assignment.
 */
function recordSchemasBuilt(): { sites: string[]; stop(): void } {
  const sites: string[] = [];
  const proto = z.ZodType.prototype as unknown as Record<string, unknown>;
  const original = Object.getOwnPropertyDescriptor(proto, 'parse')!;
  Object.defineProperty(proto, 'parse', {
    configurable: true,
    get: () => original.value,
    set(this: object, value: unknown) {
      const frames = (new Error().stack ?? '').split('\n').slice(1);
      const ours = frames.find((f) => /[/\\](bot|functions)[/\\]/.test(f) && !/lazySchema\.ts/.test(f));
      sites.push(ours ? /[/\\]((?:bot|functions)[/\\][^:)]+:\d+)/.exec(ours)![1]!.replace(/\\/g, '/') : '(outside the app)');
      Object.defineProperty(this, 'parse', { value, writable: true, configurable: true, enumerable: true });
    },
  });
  return { sites, stop: () => Object.defineProperty(proto, 'parse', original) };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('schemas built on first use (bot/common/lazySchema.ts)', () => {
  it('a lazily declared schema is built when first used, and then parses, reports errors, extends and nests exactly as the schema', () => {
    let builds = 0;
    const Direct = z.object({ id: z.string().min(2), kind: z.literal('a'), at: z.string().datetime().optional() });
    const Lazy = lazySchema(() => {
      builds++;
      return z.object({ id: z.string().min(2), kind: z.literal('a'), at: z.string().datetime().optional() });
    });
    // Declaring, and declaring other lazy schemas from it, builds nothing.
    const Other = lazySchema(() => z.object({ id: z.string(), kind: z.literal('b') }));
    const Union = lazySchema(() => z.discriminatedUnion('kind', [Lazy, Other]));
    const Extended = lazySchema(() => Lazy.extend({ n: z.number() }));
    const Wrapper = z.object({ inner: Lazy });
    expect(builds).toBe(0);

    const outcome = (r: z.SafeParseReturnType<unknown, unknown>) => (r.success ? { data: r.data } : { issues: r.error.issues });
    for (const input of [{ id: 'ab', kind: 'a' }, { id: 'a', kind: 'a', at: 'yesterday' }, 'not an object', { id: 'ab', kind: 'a', extra: 1 }]) {
      expect(outcome(Lazy.safeParse(input))).toEqual(outcome(Direct.safeParse(input)));
    }
    expect(outcome(Lazy.safeParse({ id: 'a', kind: 'a', at: 'yesterday' }))).toMatchObject({ issues: [{ path: ['id'] }, { path: ['at'] }] });
    expect(builds).toBe(1);
    expect(() => Lazy.parse({ id: 'a' })).toThrow(z.ZodError);
    // Methods taken off the schema work unbound, as zod's own bound ones do.
    const { safeParse } = Lazy;
    expect(safeParse({ id: 'ab', kind: 'a' }).success).toBe(true);
    expect(Object.keys(Lazy.shape)).toEqual(['id', 'kind', 'at']);
    expect(Lazy instanceof z.ZodObject).toBe(true);
    expect(Extended.parse({ id: 'ab', kind: 'a', n: 1 })).toEqual({ id: 'ab', kind: 'a', n: 1 });
    expect(Union.parse({ id: 'x', kind: 'b' })).toEqual({ id: 'x', kind: 'b' });
    expect(Union.safeParse({ id: 'x', kind: 'c' }).success).toBe(false);
    expect(Wrapper.safeParse({ inner: { id: 'a', kind: 'a' } }).error?.issues.map((i) => i.path)).toEqual([['inner', 'id']]);
    expect(builds).toBe(1);
  });

  it('loading what every instance loads, and each timer its handler, builds no zod schema: they are built when a run first uses them', { timeout: 60_000 }, async () => {
    const recorded = recordSchemasBuilt();
    stop = recorded.stop;
    const lazyBefore = lazySchemaCount();
    // What functions/index.ts loads in every instance (it also parses the configuration, which needs its schemas).
    await import('../bot/runtime');
    const { TIMER_FUNCTIONS, QUEUE_FUNCTIONS, HTTP_FUNCTIONS } = await import('../functions/registry');
    for (const fn of [...TIMER_FUNCTIONS, ...QUEUE_FUNCTIONS, ...HTTP_FUNCTIONS.filter((f) => f.name === 'health')]) await fn.handler.load();
    // Every site, so a failure names them all: declare a top-level schema as `lazySchema(() => z....)`, and
    // build nothing from a schema at a module's top level.
    expect(recorded.sites).toEqual([]);
    expect(lazySchemaCount() - lazyBefore).toBe(0);
    // And the recorder sees schemas being built (the check above is not vacuous).
    const { loadConfig } = await import('../bot/kernel/config');
    loadConfig({ CONCORDAT_MODE: 'local' });
    expect(recorded.sites.filter((s) => s.startsWith('bot/kernel/config.ts')).length).toBeGreaterThan(20);
  });
});
