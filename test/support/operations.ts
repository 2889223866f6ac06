import { randomUUID } from 'node:crypto';
import { JointOperation, operationIdFor } from '../../bot/operations/model';
import type { BoroughId } from '../../bot/common/borough';
import { TOM } from './botHarness';

const HOUR = 3600_000;

/** A scheduled joint operation Tom leads for the police, `hours` long from `startsAt`: what the list tests store. */
export function scheduledOperation(borough: BoroughId, startsAt: Date, hours = 6, name = `Walkabout ${borough}`): JointOperation {
  return JointOperation.parse({
    id: operationIdFor(borough, randomUUID()),
    name,
    type: 'joint-visit',
    borough,
    area: 'Town centre',
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + hours * HOUR).toISOString(),
    leadOrganisationId: 'gmp',
    partnerOrganisationIds: [],
    participants: [TOM.aadObjectId],
    coordinator: TOM.aadObjectId,
    linkedIncidents: [],
    reminderOffsetsMin: [],
    outcomesAfterMin: 0,
    status: 'scheduled',
  });
}
