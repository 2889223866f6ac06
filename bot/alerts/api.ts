import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import { plainTextRefinement } from '../common/plainText';
import { organisationById } from '../referenceData';
import { stableId } from '../common/stableId';
import { partnerRefusal } from '../partners/capabilities';
import { forbidden, handleSignedRequest, type JsonResponse, type SignedRequest } from '../partners/signedRequest';
import { AlertInput, raiseAlert } from './raise';

/** POST /api/alerts body: an alert from a partner system. */
/** `raisedBy` is shown on the alert card in every channel: the same plain-text rule, and no personal data beyond a role or desk name. */
export const AlertRequestBody = AlertInput.extend({
  raisedBy: z.string().trim().min(2).max(120).superRefine(plainTextRefinement(120)).optional(),
}).strict();

export async function receivePartnerAlert(ctx: AppContext, req: SignedRequest): Promise<JsonResponse> {
  return handleSignedRequest(ctx, req, AlertRequestBody, async (partner, body, key) => {
    // A retired organisation's key may do nothing.
    const found = await organisationById(ctx, partner.organisationId);
    const organisation = found && !found.retiredAt ? found : undefined;
    const refused = partnerRefusal('raiseAlert', organisation, body.boroughs);
    if (refused) return forbidden(ctx, partner.id, refused);
    const result = await raiseAlert(ctx, {
      alertId: stableId('alert', partner.id, key),
      source: 'api',
      organisationId: partner.organisationId,
      displayName: body.raisedBy ?? partner.id,
      input: body,
    });
    if (!result.ok) return { status: 400, body: { error: 'the body is not valid', details: [{ field: result.field, message: result.message }] } };
    return {
      status: 202,
      body: { alertId: result.record.alert.id, channels: result.channels, status: 'accepted: posting to channels' },
    };
  });
}
