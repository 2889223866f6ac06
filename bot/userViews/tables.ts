import { TeamsUser } from './model';

/** The user-specific views' table and the only place its keys are spelt. One partition: every known pair is one read. */
export const TEAMS_USER_PARTITION = 'user';

export const USER_VIEW_TABLES = {
  teamsUsers: {
    suffix: 'TeamsUsers',
    schema: TeamsUser,
    keys: (u: TeamsUser) => ({ partitionKey: TEAMS_USER_PARTITION, rowKey: u.aadObjectId }),
    columns: (u: TeamsUser) => ({ seenAt: u.seenAt }),
  },
} as const;
