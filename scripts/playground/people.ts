/**
 * The demo people of `npm start`, and the Agents Playground configuration
 * that makes each of them the current user of one playground instance.
 *
 * The playground (0.2.28) takes exactly one current user per instance, from
 * its config file: every message typed in its UI comes from that person. So
 * being someone in the demo means opening *their* playground (the dev host's
 * launcher starts it on demand, see scripts/dev-host.ts). Impersonation lives
 * only here, in the dev host's client set-up: the bot has no "act as" command
 * and sees ordinary Teams activities from whoever is current.
 *
 * Every instance shares the same team, channels and group chat ids, so
 * conversations stored by the bot (channel settings, posted alerts) are the
 * same whichever person is looking; each person has their own personal chat.
 *
 * Rules the playground enforces (ConfigManager in its bundle): `users` has
 * exactly 5 entries and no id repeats, currentUser included; one team; at most
 * one channel besides General (whose id is the team id).
 */
import { writeFileSync } from 'node:fs';

/** The concordat's Microsoft 365 tenant: every existing demo organisation lists it. */
export const HOST_TENANT_ID = '00000000-0000-4000-8000-0000000c0dec';
/** City West Housing Trust's own tenant (a partner tenant, issue 12). */
export const CITY_WEST_TENANT_ID = 'c1700000-0000-4000-8000-00000000c1e5';

export interface DemoPerson {
  /** Short key used in URLs and options: `/be/tom`. */
  key: string;
  name: string;
  givenName: string;
  surname: string;
  aadObjectId: string;
  email: string;
  /** What the person is in the demo, for the launcher and README. */
  role: string;
  /** The Microsoft 365 tenant the person signs in to. */
  tenantId: string;
}

const person = (key: string, name: string, n: number, email: string, role: string, tenantId = HOST_TENANT_ID): DemoPerson => {
  const [givenName = name, ...rest] = name.split(' ');
  return {
    key,
    name,
    givenName,
    surname: rest.join(' '),
    aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    email,
    role,
    tenantId,
  };
};

/**
 * In port order: the first person's playground is the one `npm start` opens
 * (http://127.0.0.1:56150), the next ones get the following ports.
 * Ids are the directory's (env/partnership.demo.json, the demo partnership file).
 */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  person('priya', 'Priya Shah', 1, 'priya.shah@stockporthomes.example', 'housing officer, Stockport Homes'),
  person('tom', 'Tom Bradley', 2, 'tom.bradley@gmp.example', 'police sergeant and coordinator, Greater Manchester Police'),
  person('helen', 'Helen Okafor', 3, 'helen.okafor@gmp.example', 'chief superintendent, GMP; leads two themes'),
  person('dan', 'Dan Whitworth', 4, 'dan.whitworth@stockport.example', 'concordat administrator, Stockport Council; leads a theme'),
  person('aisha', 'Aisha Rahman', 5, 'aisha.rahman@salixhomes.example', 'neighbourhood officer, Salix Homes'),
  person('gareth', 'Gareth Lowe', 6, 'gareth.lowe@probation.example', 'probation area manager; leads a theme'),
  person('kwame', 'Kwame Mensah', 7, 'kwame.mensah@citywest.org.uk', 'tenancy enforcement officer, City West Housing Trust (own tenant)', CITY_WEST_TENANT_ID),
  person('maria', 'Maria Lopez', 9, 'maria.lopez@stockporthomes.example', 'ASB team manager and approver, Stockport Homes'),
  person('sam', 'Sam Newton', 8, 'sam.newton@stockporthomes.org.uk', 'not in the directory yet (asks for access)'),
];

/** A demo person by key (`tom`), full name (`Tom Bradley`) or aadObjectId. */
export function demoPerson(who: string): DemoPerson {
  const found = DEMO_PEOPLE.find((p) => p.key === who || p.name === who || p.aadObjectId === who);
  if (!found) throw new Error(`No demo person "${who}"; one of: ${DEMO_PEOPLE.map((p) => p.key).join(', ')}`);
  return found;
}

/** Conversation ids every instance shares (test/support/playgroundClient.ts documents how the playground uses them). */
export const DEMO_TEAM = {
  id: '19:stockport-community-safety@thread.tacv2',
  name: 'Stockport Community Safety',
  aadGroupId: '00000000-0000-4000-8000-0000000000a1',
  channel: { id: '19:stockport-priorities-and-alerts@thread.tacv2', name: 'Stockport Priorities and Alerts' },
} as const;
export const DEMO_GROUP_CHAT = { id: '19:brinnington-joint-visit@thread.v2', name: 'Brinnington joint visit' } as const;
export const DEMO_BOT = { id: '28:00000000-0000-4000-8000-0000000000b0', name: 'Concordat' } as const;

const PLAYGROUND_USERS = 5;

function playgroundUser(p: DemoPerson) {
  // The user id doubles as the aadObjectId so the bot can look anyone up by either.
  // `userPrincipleName` is the playground's own (misspelt) key.
  return { id: p.aadObjectId, name: p.name, userPrincipleName: p.email, aadObjectId: p.aadObjectId, givenName: p.givenName, surname: p.surname, email: p.email };
}

/** The Agents Playground config (schema 0.1.1) in which `who` (key, name or id) is the current user. */
export function playgroundConfigFor(who: string): Record<string, unknown> {
  const me = demoPerson(who);
  // The other members of the team and chats: the playground wants exactly five.
  const others = DEMO_PEOPLE.filter((p) => p !== me).slice(0, PLAYGROUND_USERS);
  return {
    version: '0.1.1',
    tenantId: me.tenantId,
    bot: DEMO_BOT,
    currentUser: playgroundUser(me),
    users: others.map(playgroundUser),
    personalChat: { id: `a:concordat-personal-${me.name.toLowerCase().replace(/[^a-z]+/g, '-')}` },
    groupChat: DEMO_GROUP_CHAT,
    team: { id: DEMO_TEAM.id, name: DEMO_TEAM.name, aadGroupId: DEMO_TEAM.aadGroupId, channels: [DEMO_TEAM.channel] },
  };
}

/** Writes `who`'s config where the playground reads it. JSON is valid YAML, which the playground parses. */
export function writePlaygroundConfig(file: string, who: string): void {
  writeFileSync(file, `${JSON.stringify(playgroundConfigFor(who), null, 2)}\n`);
}
