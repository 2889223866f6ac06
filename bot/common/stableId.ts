import { createHash } from 'node:crypto';

/** A short, stable id derived from parts: the same inputs always give the same id. */
export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}`;
}
