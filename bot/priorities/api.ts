import type { AppContext } from '../kernel/context';
import { identifyMember } from '../directory/identify';
import { organisationById } from '../referenceData';
import { BoroughId } from '../common/borough';
import { EntraObjectId } from '../common/member';
import { canPublishPrioritiesFor } from '../common/permissions';
import { partnerRefusal } from '../partners/capabilities';
import { forbidden, handleSignedRequest, type JsonResponse, type SignedRequest } from '../partners/signedRequest';
import { PrioritiesInput } from './input';
import { publishPriorities } from './publish';
import { allThemes } from '../referenceData';

/** POST /api/priorities body: a borough's full set of priorities (the new version). */
export const PrioritiesRequestBody = PrioritiesInput.extend({ borough: BoroughId, publishedBy: EntraObjectId }).strict();

export async function receivePartnerPriorities(ctx: AppContext, req: SignedRequest): Promise<JsonResponse> {
  return handleSignedRequest(ctx, req, PrioritiesRequestBody, async (partner, body, key) => {
    // The key's organisation may publish for this borough, and the person named is one of its members who may.
    // A retired organisation's key may do nothing.
    const found = await organisationById(ctx, partner.organisationId);
    const organisation = found && !found.retiredAt ? found : undefined;
    const refused = partnerRefusal('publishPriorities', organisation, [body.borough]);
    if (refused) return forbidden(ctx, partner.id, refused);
    // As the bot would see that person now (a suspended member or one of a retired organisation is no one).
    const { member } = await identifyMember(ctx, body.publishedBy, undefined);
    if (!member || member.organisationId !== organisation!.id || !canPublishPrioritiesFor({ member, organisation }, body.borough)) {
      return forbidden(ctx, partner.id, `publishedBy must be a member of ${organisation!.name} who may publish priorities for ${body.borough}`, 'publishedBy');
    }
    const themes = new Set((await allThemes(ctx)).map((t) => t.id));
    const unknown = body.priorities.findIndex((p) => !themes.has(p.themeId));
    if (unknown >= 0) {
      return { status: 400, body: { error: 'the body is not valid', details: [{ field: `priorities.${unknown}.themeId`, message: `no theme "${body.priorities[unknown]!.themeId}"` }] } };
    }
    const result = await publishPriorities(ctx, { ...body, organisationId: partner.organisationId, submissionId: `${partner.id}.${key}` });
    if (!result.ok && result.reason === 'invalid') return { status: 400, body: { error: 'the body is not valid', details: [{ field: result.field, message: result.message }] } };
    if (!result.ok) return { status: 409, body: { error: result.message } };
    return { status: 201, body: { borough: result.set.borough, version: result.set.version, channels: result.channels } };
  });
}
