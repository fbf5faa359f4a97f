import { notFound, ruleViolation } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { DefineOrgUnit } from './orgUnitCommands';
import type { orgUnitEventSchemas } from './orgUnitEvents';

export type OrgUnitEvent = MessagesOf<typeof orgUnitEventSchemas>;
export type OrgUnitState =
  | { exists: false }
  | { exists: true; orgUnitId: string; name: string; parentId: string | null };

export interface OrgUnitContext {
  orgUnitExists(orgUnitId: string): boolean;
  /** The chain from an org unit up to its root, the unit itself first. */
  pathToRoot(orgUnitId: string): string[];
}

export const initialOrgUnitState = (): OrgUnitState => ({ exists: false });

export function decideOrgUnit(command: DefineOrgUnit, state: OrgUnitState, context: OrgUnitContext): OrgUnitEvent[] {
  const { orgUnitId, name, parentId } = command;
  if (parentId !== null) {
    if (!context.orgUnitExists(parentId))
      throw notFound(`parent org unit ${parentId} does not exist: define it first`, { parentId });
    if (parentId === orgUnitId || context.pathToRoot(parentId).includes(orgUnitId)) {
      throw ruleViolation(
        `org unit ${orgUnitId} cannot sit under ${parentId}: ${parentId} is inside ${orgUnitId}, which would make a cycle`,
        { orgUnitId, parentId },
      );
    }
  }
  if (state.exists && state.name === name && state.parentId === parentId) return [];
  return [
    {
      type: 'OrgUnitDefined',
      data: { orgUnitId, name, parentId, ...(state.exists ? { previousParentId: state.parentId } : {}) },
    },
  ];
}

export function evolveOrgUnit(_state: OrgUnitState, event: OrgUnitEvent): OrgUnitState {
  const { orgUnitId, name, parentId } = event.data;
  return { exists: true, orgUnitId, name, parentId };
}
