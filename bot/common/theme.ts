import { z } from 'zod';
import { lazySchema } from './lazySchema';

/** Themes are configuration: a plan may have five themes, a later one three. */
export const ThemeId = lazySchema(() => z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/));

export const Theme = lazySchema(() => z.object({
  id: ThemeId,
  name: z.string().min(2).max(80),
  priorityAreas: z.array(z.string().min(2).max(120)).min(1, 'a theme has at least one priority area'),
}).refine((t) => new Set(t.priorityAreas.map((a) => a.toLowerCase())).size === t.priorityAreas.length, {
  message: 'priority areas are listed once each',
  path: ['priorityAreas'],
}));
export type Theme = z.infer<typeof Theme>;
