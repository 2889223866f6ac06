import { boroughById, type BoroughId } from '../../common/borough';
import type { RiskLevel } from '../../common/common';
import { CATEGORY_LABELS, type IncidentCategory } from '../../common/taxonomy';

/**
 * What anyone may know about an incident: that it exists, what kind, roughly
 * where, how urgent, and who reported it. Channel cards and the "existence
 * only" view are built from this type alone, so free text (summary, details,
 * area, address, police reference, update notes) cannot reach them.
 */
export interface RedactedIncident {
  reference: string;
  category: string;
  borough: string;
  postcodeDistrict: string;
  risk: RiskLevel;
  riskLabel: string;
  reporterOrganisation: string;
}

/** Landlords' triage tiers and their response times. */
export const RISK_GUIDANCE: Record<RiskLevel, { label: string; guidance: string }> = {
  high: { label: 'High', guidance: 'respond within 1 working day' },
  medium: { label: 'Medium', guidance: 'respond within 3–4 working days' },
  standard: { label: 'Standard', guidance: 'respond within 5 working days' },
};

export function redactIncident(
  incident: { reference: string; category: IncidentCategory; borough: BoroughId; postcodeDistrict: string; risk: RiskLevel },
  reporterOrganisationName: string,
): RedactedIncident {
  return {
    reference: incident.reference,
    category: CATEGORY_LABELS[incident.category],
    borough: boroughById(incident.borough).name,
    postcodeDistrict: incident.postcodeDistrict,
    risk: incident.risk,
    riskLabel: `${RISK_GUIDANCE[incident.risk].label} (${RISK_GUIDANCE[incident.risk].guidance})`,
    reporterOrganisation: reporterOrganisationName,
  };
}

/** New incidents at these levels are announced (redacted) in the borough's channels. */
export function announcedInChannels(risk: RiskLevel): boolean {
  return risk === 'medium' || risk === 'high';
}
