import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../bot/commands';
import { COMMAND_HANDLERS, parseCommand } from '../bot/teams/app';

describe('commands', () => {
  it('every command in the registry is answered, and nothing unlisted is', () => {
    expect(Object.keys(COMMAND_HANDLERS).sort()).toEqual(COMMANDS.map((c) => c.title).sort());
  });

  it('titles are unique', () => {
    expect(new Set(COMMANDS.map((c) => c.title)).size).toBe(COMMANDS.length);
  });

  it('reads a command regardless of case and spacing, keeping the arguments', () => {
    expect(parseCommand('  HELP  ')).toEqual({ title: 'help', args: '' });
    expect(parseCommand('help   me  please')).toEqual({ title: 'help', args: 'me please' });
    expect(parseCommand('helpful')).toBeUndefined();
  });
});
