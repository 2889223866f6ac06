import { z } from 'zod';

/**
 * The commands the bot answers, in one place. The Teams manifest's command
 * lists, the help card and the message router are all checked against this
 * list, so a command cannot be advertised without being answered (or the
 * other way round).
 */
export const Scope = z.enum(['personal', 'team', 'groupChat']);
export type Scope = z.infer<typeof Scope>;

export const Role = z.enum(['staff', 'coordinator', 'themeLead', 'admin']);
export type Role = z.infer<typeof Role>;

export const CommandSpec = z.object({
  /** What the user types (after any @mention), lower case. */
  title: z.string().min(1).max(32),
  /** One line shown in the Teams command menu and on the help card. */
  description: z.string().min(1).max(128),
  scopes: z.array(Scope).min(1),
  /** Empty means everyone, including people not yet registered. */
  roles: z.array(Role),
  /**
   * false: answered and listed on the help card, but left out of Teams'
   * command menu, which shows at most 10 commands per scope. For commands
   * that need an id typed after them and are mostly reached from buttons.
   */
  menu: z.boolean().optional(),
});
export type CommandSpec = z.infer<typeof CommandSpec>;

export const COMMANDS: readonly CommandSpec[] = [
  {
    title: 'help',
    description: 'What Concordat can do for you',
    scopes: ['personal', 'team', 'groupChat'],
    roles: [],
  },
  {
    title: 'report',
    description: 'Report an incident from a card: shared only with the partners who need it',
    scopes: ['personal'],
    roles: ['staff'],
  },
  {
    title: 'incidents',
    description: "Your organisation's recent incidents, e.g. incidents Stockport 30",
    scopes: ['personal'],
    roles: ['staff'],
  },
  {
    title: 'incident',
    description: 'One incident by reference, e.g. incident STO-2026-000123',
    scopes: ['personal', 'team', 'groupChat'],
    roles: ['staff'],
    menu: false,
  },
  {
    title: 'priorities',
    description: "A borough's current policing priorities, e.g. priorities Stockport",
    scopes: ['personal', 'team', 'groupChat'],
    roles: [],
  },
  {
    title: 'publish priorities',
    description: "Publish or update a borough's policing priorities",
    scopes: ['personal'],
    roles: ['admin', 'coordinator', 'themeLead'],
  },
  {
    title: 'alert',
    description: 'Raise a partnership alert for one or more boroughs',
    scopes: ['personal', 'team'],
    roles: ['admin', 'coordinator', 'themeLead'],
  },
  {
    title: 'alerts',
    description: 'Recent alerts: delivery and who has acknowledged',
    scopes: ['personal', 'team', 'groupChat'],
    roles: ['staff', 'coordinator', 'themeLead', 'admin'],
  },
  {
    title: 'channel settings',
    description: 'Choose the boroughs and themes this channel receives',
    scopes: ['team'],
    roles: ['admin'],
  },
  {
    title: 'channels',
    description: 'Channels that receive priorities and alerts',
    scopes: ['personal'],
    roles: ['admin'],
  },
  {
    title: 'schedule',
    description: 'Schedule a joint operation, with reminders for the partners taking part',
    scopes: ['personal'],
    roles: ['coordinator'],
  },
  {
    title: 'operations',
    description: 'Upcoming joint operations, e.g. operations Stockport',
    scopes: ['personal', 'team', 'groupChat'],
    roles: ['staff', 'coordinator', 'themeLead', 'admin'],
  },
  {
    title: 'operation',
    description: 'One joint operation by its id, e.g. operation OP-STO-7K3Q9M',
    scopes: ['personal', 'team', 'groupChat'],
    roles: ['staff', 'coordinator', 'themeLead', 'admin'],
    menu: false,
  },
  {
    title: 'digest settings',
    description: 'Your weekly digest: themes, boroughs, day, time and where it goes',
    scopes: ['personal'],
    roles: ['themeLead', 'admin'],
    // The personal menu already has 10 commands (Teams' limit); reached from the help card and the digest's button.
    menu: false,
  },
  {
    title: 'digest now',
    description: 'A preview of this week\'s digest so far, e.g. digest now vulnerable',
    scopes: ['personal'],
    roles: ['themeLead', 'admin'],
    menu: false,
  },
];

export function commandsFor(scope: Scope, roles: readonly Role[]): CommandSpec[] {
  return COMMANDS.filter(
    (c) => c.scopes.includes(scope) && (c.roles.length === 0 || c.roles.some((r) => roles.includes(r))),
  );
}
