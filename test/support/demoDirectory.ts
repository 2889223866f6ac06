import type { Member } from '../../bot/common/member';
import type { DirectoryOrganisation, DirectoryTheme } from '../../bot/directory/model';
import { memberOfPerson } from '../../bot/directory/rules/plan';
import { checkPartnershipFile } from '../../bot/directory/rules/validate';
import { DEMO_PARTNERSHIP } from '../../scripts/demoPartnership';

/** The demo partnership file's organisations, themes and people, as the store has them once it is applied. */
const checked = checkPartnershipFile(DEMO_PARTNERSHIP);
if (!checked.ok) throw new Error(checked.errors.join('\n'));
const file = checked.value;

export const DEMO_ORGANISATIONS: DirectoryOrganisation[] = file.organisations;
export const DEMO_THEMES: DirectoryTheme[] = file.themes;
export const DEMO_MEMBERS: Member[] = file.people.map((p) => memberOfPerson(file, p));
