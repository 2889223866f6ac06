import { z } from 'zod';
import { MAY } from '../common/permissions';
import { incidentRequest } from '../incidents/request';
import { defineAction, defineCommand, defineExtension, FormData } from '../common/route';
import { findByReference } from './findByReference';
import { decideAccessRequest, requestAccess } from './accessRequest';
import { searchForm, searchIncidents } from './search';
import { SEARCH_VERBS } from './verbs';

/** Search answers in the caller's personal chat only: results and "who holds what" are for the person who asked. */
const PERSONAL = { who: MAY.registered, scopes: ['personal'] } as const;

/** Message-extension command ids (the manifest's composeExtensions commands). */
export const SEARCH_EXTENSIONS = { findByReference: 'findByReference' } as const;

/** A request-access button: the signed ask (bot/search/search.ts). */
const Ask = z.object({ ask: z.string().min(1).max(4000) }).passthrough();
/** An approver's card: which organisation's request. */
const Decision = z.object({ owner: z.string().min(1).max(60), id: z.string().regex(/^[a-f0-9]{24}$/) }).passthrough();
const APPROVER = { who: MAY.decideAccessRequests, scopes: ['personal'], refusedTitle: "Only an organisation's approver can decide" } as const;

export const searchRoutes = [
  defineCommand({
    title: 'search',
    description: 'Find incidents by reference, police log number, street, estate or postcode district, e.g. search Brinnington SK5',
    access: PERSONAL,
    // The personal menu is full (Teams shows 10): reached from the help card and typed.
    menu: false,
    handler: (ctx, req) => (req.args ? searchIncidents(ctx, incidentRequest(ctx, req), { q: req.args }) : Promise.resolve(searchForm())),
  }),
  defineAction({ verb: SEARCH_VERBS.search, schema: FormData, access: PERSONAL, handler: (ctx, req) => searchIncidents(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: SEARCH_VERBS.accessRequest, schema: Ask, access: PERSONAL, handler: (ctx, { caller, data }) => requestAccess(ctx, caller, data) }),
  defineAction({ verb: SEARCH_VERBS.accessApprove, schema: Decision, access: APPROVER, handler: (ctx, { caller, data }) => decideAccessRequest(ctx, caller, data, 'approved') }),
  defineAction({ verb: SEARCH_VERBS.accessDecline, schema: Decision, access: APPROVER, handler: (ctx, { caller, data }) => decideAccessRequest(ctx, caller, data, 'declined') }),
  // The compose box's search: a de-identified card to insert into any chat, for what the caller may see.
  defineExtension({
    type: 'query',
    commandId: SEARCH_EXTENSIONS.findByReference,
    title: 'Find by reference',
    description: 'Insert the de-identified card of an incident, joint operation or alert you can see, by its reference',
    parameter: { name: 'reference', title: 'Reference', description: 'e.g. STO-2026-000123 or OP-STO-7K3Q9M' },
    access: { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] },
    query: findByReference,
  }),
];
