import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionDataProblems, colourProblems, expandTemplate, RESERVED_ACTION_DATA_NAMES } from '../cards/render';

/**
 * What a card's buttons carry back. Teams clients hand an action's `data` to
 * their UI framework and merge the card's input values into it; a field named
 * `key` made the Agents Playground and the web client throw "Cannot assign to
 * read only property 'key'", so the hotspot card's buttons did nothing.
 */
describe('card action data', () => {
  const card = (actions: unknown[], body: unknown[] = []) => ({ type: 'AdaptiveCard', version: '1.5', body, actions });

  it('rejects reserved names at any depth, and fields named like one of the card\'s inputs', () => {
    expect(actionDataProblems(card([{ type: 'Action.Execute', verb: 'x', data: { verb: 'x', borough: 'stockport', key: 'r' } }]))).toEqual(['/actions/0/data/key is a reserved name']);
    expect(actionDataProblems(card([{ type: 'Action.Submit', data: { nested: { ref: 1 } } }]))).toEqual(['/actions/0/data/nested/ref is a reserved name']);
    expect(actionDataProblems(JSON.parse('{"type":"AdaptiveCard","actions":[{"type":"Action.Execute","data":{"__proto__":{"x":1}}}]}'))).toEqual(['/actions/0/data/__proto__ is a reserved name']);
    const withInput = card(
      [{ type: 'Action.Execute', verb: 'x', data: { verb: 'x', summary: 'stale' } }],
      [{ type: 'Container', items: [{ type: 'Input.Text', id: 'summary' }] }],
    );
    expect(actionDataProblems(withInput)).toEqual(['/actions/0/data/summary has the same name as an input']);
    // selectAction inside the body is checked too.
    expect(actionDataProblems(card([], [{ type: 'Container', items: [], selectAction: { type: 'Action.Execute', data: { msteams: {} } } }]))).toEqual([
      '/body/0/selectAction/data/msteams is a reserved name',
    ]);
    expect(actionDataProblems(card([{ type: 'Action.Execute', verb: 'x', data: { verb: 'x', reference: 'STO-2026-000001' } }]))).toEqual([]);
  });

  it('are refused when a card is built, so no builder can ship one', () => {
    const template = { type: 'AdaptiveCard', version: '1.5', body: [], actions: [{ type: 'Action.Execute', title: 'Go', verb: 'x', data: '${data}' }] };
    expect(() => expandTemplate(template, { data: { verb: 'x', key: 'row' } })).toThrow(/reserved name/);
    expect(expandTemplate(template, { data: { verb: 'x', warning: 'row' } }).actions).toEqual([{ type: 'Action.Execute', title: 'Go', verb: 'x', data: { verb: 'x', warning: 'row' } }]);
  });

  it('in every template, literal data objects use no reserved name', () => {
    const dir = path.join(__dirname, '../cards/templates');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const problems = actionDataProblems(JSON.parse(readFileSync(path.join(dir, f), 'utf8')))
        // Inputs bound by templating (`${id}`) are checked after expansion by expandTemplate.
        .filter((p) => RESERVED_ACTION_DATA_NAMES.some((n) => p.endsWith(`/${n} is a reserved name`)));
      expect({ f, problems }).toEqual({ f, problems: [] });
    }
  });
});

/**
 * WCAG AA in Teams' light, dark and high-contrast themes: card colours are
 * themed by the host, and "Good" (pale green) and "Warning" (yellow) text
 * failed on white ("Early warning: hotspot", "Recorded: STO-…").
 */
describe('card text colours', () => {
  it('are only Default, Accent or Attention, in every template and every built card', () => {
    const dir = path.join(__dirname, '../cards/templates');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      // Bound colours ("${…}") are checked when the card is built (expandTemplate).
      const literal = colourProblems(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))).filter((p) => !p.includes('"${'));
      expect({ f, problems: literal }).toEqual({ f, problems: [] });
    }
    const template = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x', color: '${c}' }] };
    expect(() => expandTemplate(template, { c: 'Good' })).toThrow(/fails contrast/);
    expect(() => expandTemplate(template, { c: 'Warning' })).toThrow(/fails contrast/);
    expect(expandTemplate(template, { c: 'Attention' }).body).toEqual([{ type: 'TextBlock', text: 'x', color: 'Attention' }]);
  });
});

describe('a template rendered again (each is parsed once per process)', () => {
  it('shows only the second data: no rows, conditions or values carried over from the first', () => {
    const template = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: '${title}' },
        { type: 'TextBlock', $when: '${warning != \'\'}', text: '${warning}' },
        { type: 'TextBlock', $data: '${rows}', text: '${name}' },
      ],
    };
    const first = expandTemplate(template, { title: 'First', warning: 'Careful', rows: [{ name: 'a' }, { name: 'b' }] });
    const second = expandTemplate(template, { title: 'Second', warning: '', rows: [{ name: 'c' }] });
    expect(first.body).toEqual([
      { type: 'TextBlock', text: 'First' },
      { type: 'TextBlock', text: 'Careful' },
      { type: 'TextBlock', text: 'a' },
      { type: 'TextBlock', text: 'b' },
    ]);
    expect(second.body).toEqual([
      { type: 'TextBlock', text: 'Second' },
      { type: 'TextBlock', text: 'c' },
    ]);
    // The template itself is untouched, so the next card is built from the same text.
    expect(template.body[0]).toEqual({ type: 'TextBlock', text: '${title}' });
  });
});
