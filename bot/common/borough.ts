import { z } from 'zod';
import { lazySchema } from './lazySchema';

/** The ten boroughs of the city region, with the three-letter codes used in reference numbers. */
export const BOROUGHS = [
  { id: 'bolton', code: 'BOL', name: 'Bolton' },
  { id: 'bury', code: 'BUR', name: 'Bury' },
  { id: 'manchester', code: 'MAN', name: 'Manchester' },
  { id: 'oldham', code: 'OLD', name: 'Oldham' },
  { id: 'rochdale', code: 'ROC', name: 'Rochdale' },
  { id: 'salford', code: 'SAL', name: 'Salford' },
  { id: 'stockport', code: 'STO', name: 'Stockport' },
  { id: 'tameside', code: 'TAM', name: 'Tameside' },
  { id: 'trafford', code: 'TRA', name: 'Trafford' },
  { id: 'wigan', code: 'WIG', name: 'Wigan' },
] as const;

export const BoroughId = lazySchema(() => z.enum(BOROUGHS.map((b) => b.id) as [BoroughIdValue, ...BoroughIdValue[]]));
type BoroughIdValue = (typeof BOROUGHS)[number]['id'];
export type BoroughId = z.infer<typeof BoroughId>;

export const Borough = lazySchema(() => z.object({
  id: BoroughId,
  code: z.string().regex(/^[A-Z]{3}$/),
  name: z.string().min(1),
}));
export type Borough = z.infer<typeof Borough>;

export function boroughById(id: BoroughId): Borough {
  const b = BOROUGHS.find((x) => x.id === id);
  if (!b) throw new Error(`unknown borough ${id}`);
  return b;
}

/** Accepts a borough id, code or name in any case ("Stockport", "sto"). */
export function findBorough(text: string): Borough | undefined {
  const t = text.trim().toLowerCase();
  return BOROUGHS.find((b) => b.id === t || b.code.toLowerCase() === t || b.name.toLowerCase() === t);
}
