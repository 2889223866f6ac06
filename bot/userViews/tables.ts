import { table, type TablesOf } from '../store/tableDef';
import { TeamsUser } from './model';

/** The user-specific views' table and the only place its keys are spelt. One partition: every known pair is one read. */
export const TEAMS_USER_PARTITION = 'user';

export const USER_VIEW_TABLES = {
  teamsUsers: table({
    name: 'TeamsUsers',
    schema: TeamsUser,
    keys: (u) => ({ partitionKey: TEAMS_USER_PARTITION, rowKey: u.aadObjectId }),
    columns: (u) => ({ seenAt: u.seenAt }),
    retention: {
      holds: "a registered member's Teams user id in this bot's conversations (pseudonymous) and the day it was last seen",
      retention: '13 months after last seen',
      enforcedBy: 'retention run (bot/userViews/repository.ts forgetTeamsUsersSeenBefore)',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof USER_VIEW_TABLES> {}
}
