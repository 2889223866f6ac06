import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Teams renders Adaptive Cards up to 1.5, and Teams mobile refuses a card
 * without an explicit version. Every card the bot sends is expanded from one
 * of these templates (cards/render.ts), so checking them checks every card.
 */
const DIR = path.resolve(__dirname, '../cards/templates');
const templates = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('every card template', () => {
  it('exists (the list is not empty)', () => {
    expect(templates.length).toBeGreaterThan(20);
  });

  it.each(templates)('%s states its version explicitly, at most 1.5', (file) => {
    const card = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as { type?: string; version?: unknown };
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toMatch(/^1\.[0-5]$/);
  });

  it.each(templates)('%s never leaves a chart as the only copy of its figures', (file) => {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    if (!/"type":\s*"Chart\./.test(text)) return;
    // A chart's data must also be bound into ordinary text outside the chart (see test/digests.test.ts for the figures).
    const card = JSON.parse(text) as { body: { type: string }[] };
    const outside = JSON.stringify(card.body.filter((e) => !e.type.startsWith('Chart.')));
    expect(outside).toMatch(/\$\{trendText\}/);
  });
});
