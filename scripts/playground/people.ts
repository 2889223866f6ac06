import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG_PATH } from './start';

/**
 * One Agents Playground per demo person. The playground always types as its
 * config's `currentUser`, so to act as Helen or Dan in the browser the
 * journeys start a playground whose config has that person as currentUser
 * (and the other five as `users`, as the playground requires). Team, channel
 * and group chat ids stay the same, so everyone sees the same team; each
 * person gets a personal chat id of their own.
 *
 * The people are read from scripts/playground/config.yml, the one list of
 * the mock tenant.
 */
export interface PlaygroundPerson {
  id: string;
  name: string;
  givenName: string;
  /** The YAML lines of this person's entry, without the leading "  - " / "  ". */
  fields: string[];
}

function peopleOf(yaml: string): { header: string; current: PlaygroundPerson; users: PlaygroundPerson[]; tail: string } {
  const lines = yaml.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const currentStart = at(/^currentUser:/);
  const usersStart = at(/^users:/);
  const tailStart = at(/^personalChat:/);
  if (currentStart < 0 || usersStart < 0 || tailStart < 0) throw new Error('playground config: expected currentUser, users and personalChat sections');
  const fieldsOf = (block: string[]): PlaygroundPerson => {
    const fields = block.map((l) => l.replace(/^\s*-?\s*/, '')).filter((l) => l && !l.startsWith('#'));
    const get = (k: string) => fields.find((f) => f.startsWith(`${k}:`))?.slice(k.length + 1).trim() ?? '';
    return { id: get('id'), name: get('name'), givenName: get('givenName'), fields };
  };
  const users: PlaygroundPerson[] = [];
  let block: string[] = [];
  for (const line of lines.slice(usersStart + 1, tailStart)) {
    if (/^\s*-\s/.test(line) && block.length) {
      users.push(fieldsOf(block));
      block = [];
    }
    if (!/^\s*#/.test(line) && line.trim()) block.push(line);
  }
  if (block.length) users.push(fieldsOf(block));
  return {
    header: lines.slice(0, currentStart).join('\n'),
    current: fieldsOf(lines.slice(currentStart + 1, usersStart)),
    users,
    tail: lines.slice(tailStart).join('\n'),
  };
}

/** Everyone in the mock tenant, currentUser of the default config first. */
export function playgroundPeople(configPath = DEFAULT_CONFIG_PATH): PlaygroundPerson[] {
  const { current, users } = peopleOf(readFileSync(configPath, 'utf8'));
  return [current, ...users];
}

/**
 * Writes a config in which `who` (id, full name or given name) is the
 * current user, and returns its path (in a fresh temporary directory).
 */
export function playgroundConfigFor(who: string, configPath = DEFAULT_CONFIG_PATH): string {
  const yaml = readFileSync(configPath, 'utf8');
  const { header, current, users, tail } = peopleOf(yaml);
  const everyone = [current, ...users];
  const me = everyone.find((p) => p.id === who || p.name === who || p.givenName === who);
  if (!me) throw new Error(`No person ${who} in ${configPath}`);
  const others = everyone.filter((p) => p !== me);
  const slug = me.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const personalTail = tail.replace(/^(personalChat:\n\s+id:\s*).*$/m, `$1a:concordat-personal-${slug}`);
  const out = [
    header,
    'currentUser:',
    ...me.fields.map((f) => `  ${f}`),
    'users:',
    ...others.flatMap((p) => p.fields.map((f, i) => (i === 0 ? `  - ${f}` : `    ${f}`))),
    personalTail,
  ].join('\n');
  const dir = mkdtempSync(path.join(os.tmpdir(), `playground-${slug}-`));
  const file = path.join(dir, 'config.yml');
  writeFileSync(file, out);
  return file;
}
