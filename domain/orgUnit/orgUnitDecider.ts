import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import { notFound, ruleViolation } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { orgUnitCommandSchemas } from './orgUnitCommands';
import type { orgUnitEventSchemas } from './orgUnitEvents';

export type OrgUnitEvent = MessagesOf<typeof orgUnitEventSchemas>;
export type OrgUnitCommand = MessagesOf<typeof orgUnitCommandSchemas>;
export type OrgUnitState =
  | { exists: false }
  | { exists: true; orgUnitId: string; name: string; parentId: string | null };

export interface OrgUnitContext {
  orgUnitExists(orgUnitId: string): boolean;
  /** The chain from an org unit up to its root, the unit itself first. */
  pathToRoot(orgUnitId: string): string[];
}

/** Defines an org unit, or renames or moves an existing one; the tree stays a tree. */
export const orgUnitDecider: Decider<OrgUnitCommand, OrgUnitEvent, OrgUnitState, OrgUnitContext> = {
  initialState: () => ({ exists: false }),

  decide(command, state, context) {
    const { orgUnitId, name, parentId } = command.data;
    if (parentId !== null) {
      if (!context.orgUnitExists(parentId)) {
        throw notFound(`parent org unit ${parentId} does not exist: define it first`, { parentId });
      }
      if (parentId === orgUnitId || context.pathToRoot(parentId).includes(orgUnitId)) {
        throw ruleViolation(
          `org unit ${orgUnitId} cannot sit under ${parentId}: ${parentId} is inside ${orgUnitId}, which would make a cycle`,
          { orgUnitId, parentId },
        );
      }
    }
    const unchanged = state.exists && state.name === name && state.parentId === parentId;
    const events: OrgUnitEvent[] = unchanged
      ? []
      : [
          {
            type: 'OrgUnitDefined',
            data: { orgUnitId, name, parentId, ...(state.exists ? { previousParentId: state.parentId } : {}) },
          },
        ];
    return decision(events, describeEvents(events, `org unit ${orgUnitId}`));
  },

  evolve(_state, event) {
    const { orgUnitId, name, parentId } = event.data;
    return { exists: true, orgUnitId, name, parentId };
  },
};
