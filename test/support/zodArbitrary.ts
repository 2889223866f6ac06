import fc from 'fast-check';
import { z } from 'zod';

/**
 * fast-check arbitraries derived from zod schemas, for the shapes this
 * product uses: objects, strings (min / max / regex / uuid), enums,
 * literals, numbers (int / min / max), booleans, arrays (min / max),
 * optionals, defaults, unions, records, nullables; refinements and
 * transforms are generated from their input schema (so refinements may fail:
 * that is what the bad-input tests want to see handled).
 */
export function arbitraryOf(schema: z.ZodTypeAny): fc.Arbitrary<unknown> {
  const def = schema._def as { typeName: string } & Record<string, any>;
  switch (def.typeName) {
    case 'ZodEffects':
      return arbitraryOf(def.schema);
    case 'ZodPipeline':
      return arbitraryOf(def.in);
    case 'ZodBranded':
    case 'ZodReadonly':
    case 'ZodCatch':
      return arbitraryOf(def.type ?? def.innerType);
    case 'ZodLazy':
      return arbitraryOf(def.getter());
    case 'ZodOptional':
      return fc.option(arbitraryOf(def.innerType), { nil: undefined });
    case 'ZodNullable':
      return fc.option(arbitraryOf(def.innerType), { nil: null });
    case 'ZodDefault':
      return fc.option(arbitraryOf(def.innerType), { nil: undefined });
    case 'ZodString':
      return stringOf(def.checks as { kind: string; value?: number; regex?: RegExp }[]);
    case 'ZodNumber': {
      const checks = def.checks as { kind: string; value?: number; inclusive?: boolean }[];
      const min = checks.find((c) => c.kind === 'min')?.value ?? -1e6;
      const max = checks.find((c) => c.kind === 'max')?.value ?? 1e6;
      return checks.some((c) => c.kind === 'int')
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true });
    }
    case 'ZodBoolean':
      return fc.boolean();
    case 'ZodLiteral':
      return fc.constant(def.value);
    case 'ZodEnum':
      return fc.constantFrom(...(def.values as string[]));
    case 'ZodArray': {
      const min = def.exactLength?.value ?? def.minLength?.value ?? 0;
      const max = def.exactLength?.value ?? Math.min(def.maxLength?.value ?? 5, min + 5);
      return fc.array(arbitraryOf(def.type), { minLength: min, maxLength: max });
    }
    case 'ZodObject': {
      const shape = (schema as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
      const entries = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arbitraryOf(v)]));
      const required = Object.entries(shape).filter(([, v]) => !v.isOptional()).map(([k]) => k);
      return fc.record(entries, { requiredKeys: required as never[] }).map((o) => dropUndefined(o as Record<string, unknown>));
    }
    case 'ZodUnion':
    case 'ZodDiscriminatedUnion':
      return fc.oneof(...(def.options as z.ZodTypeAny[]).map(arbitraryOf));
    case 'ZodRecord':
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), arbitraryOf(def.valueType), { maxKeys: 4 });
    case 'ZodAny':
    case 'ZodUnknown':
      return fc.jsonValue();
    default:
      throw new Error(`arbitraryOf: no arbitrary for ${def.typeName}`);
  }
}

function stringOf(checks: { kind: string; value?: number; regex?: RegExp }[]): fc.Arbitrary<string> {
  if (checks.some((c) => c.kind === 'uuid')) return fc.uuid();
  const regex = checks.find((c) => c.kind === 'regex')?.regex;
  const min = checks.find((c) => c.kind === 'min' || c.kind === 'length')?.value ?? 0;
  const max = checks.find((c) => c.kind === 'max' || c.kind === 'length')?.value ?? Math.max(min, 60);
  if (regex) return fc.stringMatching(regex).filter((s) => s.length >= min && s.length <= max);
  return fc.string({ minLength: min, maxLength: Math.min(max, min + 80) });
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Strings meant to break things: markup, scripts, links, template syntax, odd unicode, huge. */
export const HOSTILE_STRINGS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><iframe src="https://evil.example"></iframe>',
  '[click me](https://evil.example/phish)',
  '![x](https://evil.example/x.png)',
  '**bold** _it_ # heading',
  '${root.secret}',
  '${$root.__proto__}',
  '{{constructor.constructor("return process")()}}',
  "'; DROP TABLE incidents; --",
  "PartitionKey eq 'x' or true",
  'javascript:alert(1)',
  '\u0000\u0001\u001f\u007f',
  '\u202egnp.exe',
  '🙂'.repeat(200),
  'Z̸̡̢̛̖̗̘̙̜̝̞̟̠̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼',
  '\ud800',
  ' ',
  '',
  '__proto__',
  'x'.repeat(5000),
  'y'.repeat(70_000),
];

/**
 * Personal data in disguise, one of each bypass class found in review: each
 * is refused by the personal-data check in every field that reaches a
 * channel. Invisible characters (U+2060 word joiner, U+00AD soft hyphen),
 * full-width forms, lower case, spelt-out e-mail addresses, and names with
 * no title.
 */
export const PERSONAL_DATA_BYPASSES = [
  'John Smith',
  'Sarah Jones-Smith',
  'the lad called Kyle',
  'mrs patel',
  '12 acacia avenue',
  '4b mill lane',
  'SK5\u2060 7AB',
  'SK5 7\u00adAB',
  'ＳＫ５ ７ＡＢ',
  '07700\u2060900\u2060123',
  '0\u00ad7700 900 123',
  '０７７００ ９００１２３',
  '+44 (0)161 496 0000',
  '(0161) 496 0000',
  'jsmith[at]example.com',
  'j.smith (at) example (dot) com',
  'jsmith at example dot co dot uk',
  'jsmith@\u2060example.com',
  'AB123456C',
  'ab 12 34 56 c',
  'DOB 01/02/2009',
];

/** Markup in disguise: full-width brackets, a link split by an invisible character, Teams mentions. */
export const MARKUP_BYPASSES = [
  '［click］（https://evil.example）',
  '[Sign in again]\u2060(https://evil.example)',
  '<at>everyone</at>',
  '＜script＞alert(1)＜/script＞',
  '_italic words_ here',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...PERSONAL_DATA_BYPASSES, ...MARKUP_BYPASSES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).chain((h) => fc.string({ maxLength: 30 }).map((s) => `${s}${h}${s}`)) },
);

/** A value of the wrong type for a form input (Teams sends strings). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

export type Mutation = { kind: 'hostile' | 'wrongType' | 'missing' | 'extra'; key: string; value?: unknown };

/** A valid-shaped object with one to three fields made hostile, wrong-typed, missing, or an extra field added. */
export function mutated(base: fc.Arbitrary<Record<string, unknown>>, keys: readonly string[]): fc.Arbitrary<{ value: Record<string, unknown>; mutations: Mutation[] }> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('hostile' as const), key: fc.constantFrom(...keys), value: hostileString }),
    fc.record({ kind: fc.constant('wrongType' as const), key: fc.constantFrom(...keys), value: wrongType }),
    fc.record({ kind: fc.constant('missing' as const), key: fc.constantFrom(...keys) }),
    fc.record({ kind: fc.constant('extra' as const), key: fc.constantFrom('__proto__', 'constructor', 'verb', 'x-extra', 'toString'), value: fc.oneof(hostileString, wrongType) }),
  );
  return fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([b, ms]) => {
    const value: Record<string, unknown> = { ...b };
    for (const m of ms) {
      if (m.kind === 'missing') delete value[m.key];
      else Object.defineProperty(value, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
    return { value, mutations: ms };
  });
}
