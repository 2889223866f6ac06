import { describe, expect, it } from 'vitest';
import {
  fixUpAdaptiveCardSchema,
  validateAdaptiveCard,
  validateTeamsManifest,
} from './support/schemas';

const minimalCard = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'OFFICIAL-SENSITIVE', weight: 'Bolder', color: 'Attention' },
    { type: 'TextBlock', text: 'Partnership alert: Salford', wrap: true },
  ],
  actions: [{ type: 'Action.Execute', title: 'Acknowledge', verb: 'alert.ack', data: { alertId: 'A-1' } }],
};

describe('validateAdaptiveCard', () => {
  it('accepts a valid minimal card against 1.5 and 1.6', () => {
    expect(validateAdaptiveCard(minimalCard)).toEqual([]);
    expect(validateAdaptiveCard(minimalCard, '1.6')).toEqual([]);
  });

  it('rejects an unknown element type with one clear error', () => {
    const card = { ...minimalCard, body: [{ type: 'TextBlok', text: 'typo' }] };
    const errors = validateAdaptiveCard(card);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/body\/0\/type "TextBlok" is not allowed here/);
  });

  it('rejects an action where an element belongs, and nested mistakes', () => {
    expect(validateAdaptiveCard({ ...minimalCard, body: [{ type: 'Action.Submit', title: 'x' }] })).toHaveLength(1);
    const nested = {
      ...minimalCard,
      body: [{ type: 'Container', items: [{ type: 'TextBlock', txt: 'missing text' }] }],
    };
    expect(validateAdaptiveCard(nested)).toEqual(
      expect.arrayContaining([
        "/body/0/items/0 must have required property 'text'",
        "/body/0/items/0 must NOT have additional properties: 'txt'",
      ]),
    );
  });

  it('rejects a card that needs a newer version than validated against', () => {
    expect(validateAdaptiveCard({ ...minimalCard, version: '1.6' })).toEqual([
      '/version "1.6" is higher than 1.5, the version validated against',
    ]);
    expect(validateAdaptiveCard({ ...minimalCard, version: undefined })).not.toEqual([]);
  });

  it('accepts the Teams `msteams` card property, checked on its own', () => {
    expect(validateAdaptiveCard({ ...minimalCard, msteams: { width: 'Full' } })).toEqual([]);
    expect(validateAdaptiveCard({ ...minimalCard, msteams: { width: 'Wide' } })).toEqual(['/msteams/width must be "Full"']);
  });

  it('rejects non-objects', () => {
    expect(validateAdaptiveCard(null)).not.toEqual([]);
    expect(validateAdaptiveCard([minimalCard])).not.toEqual([]);
  });
});

describe('fixUpAdaptiveCardSchema', () => {
  it('renames the schema id, drops $schema and non-array required, and keeps properties named id', () => {
    const fixed = fixUpAdaptiveCardSchema({
      $schema: 'http://json-schema.org/draft-06/schema#',
      id: 'http://example.test/card.json',
      definitions: {
        Media: {
          type: 'object',
          required: ['sources'],
          properties: { id: { type: 'string' }, caption: { type: 'string', required: false } },
        },
      },
    });
    expect(fixed).toEqual({
      $id: 'http://example.test/card.json',
      definitions: {
        Media: {
          type: 'object',
          required: ['sources'],
          properties: { id: { type: 'string' }, caption: { type: 'string' } },
        },
      },
    });
  });
});

describe('validateTeamsManifest', () => {
  it('reports the missing required fields of an empty manifest', () => {
    const errors = validateTeamsManifest({});
    expect(errors).toContain("(root) must have required property 'manifestVersion'");
    expect(errors).toContain("(root) must have required property 'icons'");
  });

  it('rejects a wrong manifestVersion and a non-GUID id', () => {
    const errors = validateTeamsManifest({ manifestVersion: '1.17', id: 'not-a-guid' });
    expect(errors.some((e) => e.startsWith('/manifestVersion'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/id'))).toBe(true);
  });
});
