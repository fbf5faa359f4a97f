import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import type { Criteria } from '../shared/criteria';
import { notFound, ruleViolation } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { groupCommandSchemas } from './groupCommands';
import type { groupEventSchemas } from './groupEvents';

export type GroupEvent = MessagesOf<typeof groupEventSchemas>;
export type GroupCommand = MessagesOf<typeof groupCommandSchemas>;
/** `members` is reused from state to state: a large static group must not be copied per member added. */
export type GroupState =
  | { exists: false }
  | {
      exists: true;
      groupId: string;
      name: string;
      kind: 'static' | 'dynamic';
      criteria: Criteria | null;
      members: Set<string>;
    };

export interface GroupContext {
  /** undefined: no such user; false: deactivated. */
  userActive(userId: string): boolean | undefined;
}

export const groupDecider: Decider<GroupCommand, GroupEvent, GroupState, GroupContext> = {
  initialState: () => ({ exists: false }),

  decide(command, state, context) {
    const events = decideGroupEvents(command, state, context);
    return decision(events, describeEvents(events, `group ${command.data.groupId}`));
  },

  evolve(state, event) {
    switch (event.type) {
      case 'GroupCreated':
        return { exists: true, ...event.data, members: new Set() };
      case 'GroupMemberAdded':
        if (state.exists) state.members.add(event.data.userId);
        return state;
      case 'GroupMemberRemoved':
        if (state.exists) state.members.delete(event.data.userId);
        return state;
    }
  },
};

function decideGroupEvents(command: GroupCommand, state: GroupState, context: GroupContext): GroupEvent[] {
  if (command.type === 'CreateGroup') {
    if (state.exists)
      throw ruleViolation(`group ${command.data.groupId} already exists`, { groupId: command.data.groupId });
    return [{ type: 'GroupCreated', data: command.data }];
  }
  const { groupId, userIds } = command.data;
  if (!state.exists) throw notFound(`group ${groupId} does not exist: create it with CreateGroup first`, { groupId });
  if (state.kind === 'dynamic') {
    throw ruleViolation(
      `group ${state.name} is dynamic: its members follow its criteria: change the users' profiles, or create a static group to list members by hand`,
      { groupId },
    );
  }
  if (command.type === 'AddGroupMember') {
    for (const userId of userIds) {
      const active = context.userActive(userId);
      if (active === undefined) {
        throw notFound(`user ${userId} is not registered: register the user before adding them to a group`, { userId });
      }
      if (!active) throw ruleViolation(`user ${userId} is deactivated and cannot join group ${state.name}`, { userId });
    }
    return userIds
      .filter((userId) => !state.members.has(userId))
      .map((userId) => ({ type: 'GroupMemberAdded', data: { groupId, userId } }));
  }
  return userIds
    .filter((userId) => state.members.has(userId))
    .map((userId) => ({ type: 'GroupMemberRemoved', data: { groupId, userId } }));
}
