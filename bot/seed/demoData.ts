import type { Member } from '../shared/member';
import type { Organisation } from '../shared/organisation';
import type { Theme } from '../shared/theme';
import { BOROUGHS } from '../shared/borough';

/**
 * Demo data for `npm start`. Organisations named in public reporting are
 * real; every person is invented.
 */
export const DEMO_ORGANISATIONS: Organisation[] = [
  { id: 'gmp', name: 'Greater Manchester Police', kind: 'police', boroughs: BOROUGHS.map((b) => b.id) },
  { id: 'stockport-homes', name: 'Stockport Homes', kind: 'landlord', boroughs: ['stockport'] },
  { id: 'wigan-leigh-housing', name: 'Wigan and Leigh Housing', kind: 'landlord', boroughs: ['wigan'] },
  { id: 'trafford-housing-trust', name: 'Trafford Housing Trust', kind: 'landlord', boroughs: ['trafford'] },
  { id: 'bolton-at-home', name: 'Bolton at Home', kind: 'landlord', boroughs: ['bolton'] },
  { id: 'eastlands-homes', name: 'Eastlands Homes', kind: 'landlord', boroughs: ['manchester'] },
  { id: 'salix-homes', name: 'Salix Homes', kind: 'landlord', boroughs: ['salford'] },
  { id: 'city-west-housing', name: 'City West Housing Trust', kind: 'landlord', boroughs: ['salford'] },
  // Invented landlords so that every borough has one in the demo.
  { id: 'irwell-bank-homes', name: 'Irwell Bank Homes (demo)', kind: 'landlord', boroughs: ['bury'] },
  { id: 'pennine-edge-housing', name: 'Pennine Edge Housing (demo)', kind: 'landlord', boroughs: ['oldham', 'rochdale'] },
  { id: 'tame-valley-homes', name: 'Tame Valley Homes (demo)', kind: 'landlord', boroughs: ['tameside'] },
  { id: 'stockport-council', name: 'Stockport Council', kind: 'council', boroughs: ['stockport'] },
  { id: 'salford-council', name: 'Salford City Council', kind: 'council', boroughs: ['salford'] },
  { id: 'probation-gm', name: 'Probation Service – Greater Manchester', kind: 'other', boroughs: BOROUGHS.map((b) => b.id) },
];

/** The 2018-21 community safety partnership plan's themes (configuration: a later plan has three). */
export const DEMO_THEMES: Theme[] = [
  {
    id: 'public-safety',
    name: 'Public Safety and Protection',
    priorityAreas: ['Anti-social behaviour', 'Crime', 'Locations and hotspots'],
  },
  {
    id: 'vulnerable-people',
    name: 'Protecting Vulnerable People',
    priorityAreas: [
      'Missing from home or care',
      'Domestic abuse',
      'Child sexual exploitation',
      'Drugs and alcohol',
      'Hate crime',
      'Complex safeguarding',
    ],
  },
  {
    id: 'organised-crime',
    name: 'Serious and Organised Crime',
    priorityAreas: ['Organised crime groups', 'Young people at risk of involvement in serious and organised crime'],
  },
  {
    id: 'transforming-justice',
    name: 'Transforming Justice',
    priorityAreas: ['Adult offending and reoffending', 'Youth offending and reoffending', 'Victims'],
  },
  { id: 'prevent', name: 'Radicalisation and Extremism (Prevent)', priorityAreas: ['Prevent'] },
];

/** The demo people of the Agents Playground (scripts/playground/people.ts) known to the directory, with their roles. */
export const DEMO_MEMBERS: Member[] = [
  {
    aadObjectId: '00000000-0000-4000-8000-000000000001',
    displayName: 'Priya Shah',
    jobTitle: 'Housing officer',
    organisationId: 'stockport-homes',
    roles: ['staff'],
    leadsThemes: [],
  },
  {
    aadObjectId: '00000000-0000-4000-8000-000000000002',
    displayName: 'Tom Bradley',
    jobTitle: 'Police sergeant, Stockport neighbourhood team',
    organisationId: 'gmp',
    roles: ['staff', 'coordinator'],
    leadsThemes: [],
  },
  {
    aadObjectId: '00000000-0000-4000-8000-000000000003',
    displayName: 'Helen Okafor',
    jobTitle: 'Chief superintendent, Stockport district commander',
    organisationId: 'gmp',
    roles: ['staff', 'themeLead'],
    leadsThemes: ['public-safety', 'organised-crime'],
  },
  {
    aadObjectId: '00000000-0000-4000-8000-000000000004',
    displayName: 'Dan Whitworth',
    jobTitle: 'Concordat administrator',
    organisationId: 'stockport-council',
    roles: ['staff', 'admin', 'themeLead'],
    leadsThemes: ['vulnerable-people'],
  },
  {
    aadObjectId: '00000000-0000-4000-8000-000000000005',
    displayName: 'Aisha Rahman',
    jobTitle: 'Neighbourhood officer',
    organisationId: 'salix-homes',
    roles: ['staff'],
    leadsThemes: [],
  },
  {
    aadObjectId: '00000000-0000-4000-8000-000000000006',
    displayName: 'Gareth Lowe',
    jobTitle: 'Probation area manager',
    organisationId: 'probation-gm',
    roles: ['staff', 'themeLead'],
    leadsThemes: ['transforming-justice'],
  },
];
