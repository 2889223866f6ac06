import { MAY } from '../common/permissions';
import { incidentRequest } from '../incidents/request';
import { defineAction, FormData } from '../common/route';
import { proposeOperation, showHotspotIncidents } from './actions';
import { WARNING_VERBS } from './verbs';

/**
 * Hotspot warnings are posted in channels: pressed there, the answer goes to the presser's personal chat and the
 * channel card stays de-identified; the incidents stay behind the per-incident access check. A refusal (not a
 * coordinator) keeps the warning card with a notice, so the use case decides it rather than the gate's card.
 */
export const warningRoutes = [
  defineAction({
    verb: WARNING_VERBS.incidents,
    schema: FormData,
    access: { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] },
    handler: (ctx, req) => showHotspotIncidents(ctx, incidentRequest(ctx, req), req.data),
  }),
  defineAction({
    verb: WARNING_VERBS.propose,
    schema: FormData,
    access: { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] },
    handler: (ctx, req) => proposeOperation(ctx, incidentRequest(ctx, req), req.data),
  }),
];
