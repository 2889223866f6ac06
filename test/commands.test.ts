import { describe, expect, it } from 'vitest';
import { ACTION_ROUTES, COMMAND_ROUTES, COMMANDS, EXTENSION_ROUTES, parseCommand, ROUTES } from '../bot/commands';

describe('commands', () => {
  it('every route is declared once, commands by title, card actions by verb and message-extension commands by id', () => {
    expect(COMMAND_ROUTES.size + ACTION_ROUTES.size + EXTENSION_ROUTES.size).toBe(ROUTES.length);
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
