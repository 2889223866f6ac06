import { describe, expect, it } from 'vitest';
import { ACTION_ROUTES, COMMAND_ROUTES, COMMANDS, parseCommand, ROUTES } from '../bot/commands';

describe('commands', () => {
  it('every route is declared once, commands by title and card actions by verb', () => {
    expect(COMMAND_ROUTES.size + ACTION_ROUTES.size).toBe(ROUTES.length);
    expect(COMMANDS.map((c) => c.title).sort()).toEqual([...COMMAND_ROUTES.keys()].sort());
  });

  it('reads a command regardless of case and spacing, keeping the arguments', () => {
    expect(parseCommand('  HELP  ')).toEqual({ title: 'help', args: '' });
    expect(parseCommand('help   me  please')).toEqual({ title: 'help', args: 'me please' });
    expect(parseCommand('helpful')).toBeUndefined();
    expect(parseCommand('digest now vulnerable')).toEqual({ title: 'digest now', args: 'vulnerable' });
  });

  it('finds nothing for names inherited from Object (a typed "constructor" is not a command)', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(parseCommand(name)).toBeUndefined();
      expect(ACTION_ROUTES.get(name)).toBeUndefined();
    }
  });
});
