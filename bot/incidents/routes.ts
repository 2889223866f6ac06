import { z } from 'zod';
import { IncidentReference } from './rules/incident';
import { MAY } from '../common/permissions';
import { defineAction, defineCommand, defineExtension, FormData } from '../common/route';
import { openReportDialog, submitReportDialog } from './reportDialog';
import { openEditForm, openUpdateForm, submitEdit, submitUpdate } from './change';
import { linkToOperation, openLinkForm } from './link';
import { filtersFromCard, listIncidents, parseListArgs } from './list';
import { openReportForm } from './reportForm';
import { incidentRequest } from './request';
import { submitReport } from './submit';
import { hideIncident, viewIncident } from './view';
import { INCIDENT_VERBS } from './verbs';

export { INCIDENT_VERBS } from './verbs';

/** Reporting and changing incidents happen in the reporter's personal chat: the forms hold restricted details. */
const PERSONAL = { who: MAY.registered, scopes: ['personal'] } as const;
/** Viewing works anywhere: in a shared place the answer is de-identified and the details go to the personal chat. */
const ANYWHERE = { who: MAY.registered, scopes: ['personal', 'team', 'groupChat'] } as const;

/** Message-extension command ids (the manifest's composeExtensions commands). */
export const INCIDENT_EXTENSIONS = { report: 'reportIncident' } as const;

const Reference = z.object({ reference: z.string().trim().toUpperCase().pipe(IncidentReference) }).passthrough();

export const incidentRoutes = [
  defineCommand({
    title: 'report',
    description: 'Report an incident from a card: shared only with the partners who need it',
    access: PERSONAL,
    handler: (ctx, { caller }) => openReportForm(ctx, caller),
  }),
  defineCommand({
    title: 'incidents',
    description: "Your organisation's recent incidents, e.g. incidents Stockport 30",
    access: PERSONAL,
    handler: (ctx, req) => listIncidents(ctx, incidentRequest(ctx, req), parseListArgs(req.args)),
  }),
  defineCommand({
    title: 'incident',
    description: 'One incident by reference, e.g. incident STO-2026-000123',
    access: ANYWHERE,
    menu: false,
    handler: (ctx, req) => viewIncident(ctx, incidentRequest(ctx, req), req.args),
  }),
  defineAction({ verb: INCIDENT_VERBS.report, schema: FormData, access: PERSONAL, handler: (ctx, { caller }) => openReportForm(ctx, caller) }),
  defineAction({ verb: INCIDENT_VERBS.submit, schema: FormData, access: PERSONAL, handler: (ctx, { caller, data }) => submitReport(ctx, caller, data) }),
  defineAction({
    verb: INCIDENT_VERBS.view,
    // historyBefore: the history page asked for ("Earlier changes"); absent for the latest changes.
    schema: Reference.extend({ historyBefore: z.coerce.number().int().min(1).max(999_999).optional() }),
    access: ANYWHERE,
    handler: (ctx, req) => viewIncident(ctx, incidentRequest(ctx, req), req.data.reference, req.data.historyBefore),
  }),
  defineAction({
    verb: INCIDENT_VERBS.hide,
    // Details shown in place (no personal chat) are hidden again: the answer is the de-identified card.
    schema: Reference,
    access: ANYWHERE,
    handler: (ctx, req) => hideIncident(ctx, incidentRequest(ctx, req), req.data.reference),
  }),
  defineAction({ verb: INCIDENT_VERBS.updateForm, schema: Reference, access: PERSONAL, handler: (ctx, req) => openUpdateForm(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: INCIDENT_VERBS.updateSubmit, schema: FormData, access: PERSONAL, handler: (ctx, req) => submitUpdate(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: INCIDENT_VERBS.editForm, schema: Reference, access: PERSONAL, handler: (ctx, req) => openEditForm(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: INCIDENT_VERBS.editSubmit, schema: FormData, access: PERSONAL, handler: (ctx, req) => submitEdit(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: INCIDENT_VERBS.link, schema: Reference, access: PERSONAL, handler: (ctx, req) => openLinkForm(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: INCIDENT_VERBS.linkSubmit, schema: FormData, access: PERSONAL, handler: (ctx, req) => linkToOperation(ctx, incidentRequest(ctx, req), req.data) }),
  defineAction({ verb: INCIDENT_VERBS.list, schema: FormData, access: PERSONAL, handler: (ctx, req) => listIncidents(ctx, incidentRequest(ctx, req), filtersFromCard(req.data)) }),
  // The compose box's and a message's "…" menu's "Report an incident": a dialog only the reporter sees, wherever it is
  // started, so it is offered in every chat; the chat itself gets nothing (bot/incidents/reportDialog.ts).
  defineExtension({
    type: 'action',
    commandId: INCIDENT_EXTENSIONS.report,
    title: 'Report an incident',
    description: "Report an incident to the partnership; from a message, its text is offered as the summary",
    contexts: ['compose', 'message'],
    access: ANYWHERE,
    fetch: openReportDialog,
    submit: submitReportDialog,
  }),
];
