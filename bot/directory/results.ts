import type { Member } from '../common/member';
import type { AccessRequest, DirectoryOrganisation } from './model';

/**
 * What the joining use cases (join.ts) return: plain data that views.ts turns into cards. Kept apart from the use
 * cases so that the views depend on results, never on the code that produces them.
 */

/** Where someone who is not (or no longer) a member in good standing stands. */
export type AccessState =
  | { kind: 'ask'; organisations: DirectoryOrganisation[]; proposed: DirectoryOrganisation[] }
  | { kind: 'pending'; request: AccessRequest; organisationName: string }
  | { kind: 'suspended' }
  | { kind: 'wrong-tenant' }
  | { kind: 'organisation-retired' };

export type RequestResult =
  | { kind: 'invalid'; errors: Record<string, string>; values: Record<string, string>; state: Extract<AccessState, { kind: 'ask' }> }
  | { kind: 'not-needed'; state: AccessState | { kind: 'member' } }
  | { kind: 'sent'; request: AccessRequest; organisationName: string; notified: number };

export type DecisionResult =
  | { kind: 'missing' }
  | { kind: 'refused'; request: AccessRequest; organisationName: string }
  | { kind: 'invalid'; request: AccessRequest; organisationName: string; errors: Record<string, string>; values: Record<string, string> }
  | { kind: 'decided'; request: AccessRequest; organisationName: string; already: boolean; member?: Member };
