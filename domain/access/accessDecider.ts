import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import { notFound } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { accessCommandSchemas } from './accessCommands';
import type { accessEventSchemas, GrantConstraints, Permission } from './accessEvents';

export type AccessEvent = MessagesOf<typeof accessEventSchemas>;
export type AccessCommand = MessagesOf<typeof accessCommandSchemas>;
export type Grant = { grantId: string; permission: Permission; constraints: GrantConstraints };
export type AccessState = { grants: Grant[] };

export interface AccessContext {
  /** A grant given without a grantId takes the command's id, so a retried grant is the same grant. */
  commandId: string;
  userExists(userId: string): boolean;
}

export const accessDecider: Decider<AccessCommand, AccessEvent, AccessState, AccessContext> = {
  initialState: () => ({ grants: [] }),

  decide(command, state, context) {
    const events = decideAccessEvents(command, state, context);
    const [event] = events;
    const { userId } = command.data;
    if (event?.type === 'PermissionGranted') {
      const within = Object.keys(event.data.constraints).length
        ? ` within ${JSON.stringify(event.data.constraints)}`
        : '';
      return decision(events, `${userId} granted ${event.data.permission}${within} (grant ${event.data.grantId})`);
    }
    return decision(events, describeEvents(events, `permissions of ${userId}`));
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PermissionGranted': {
        const { grantId, permission, constraints } = event.data;
        return { grants: [...state.grants, { grantId, permission, constraints }] };
      }
      case 'PermissionRevoked':
        return { grants: state.grants.filter((grant) => grant.grantId !== event.data.grantId) };
    }
  },
};

function decideAccessEvents(command: AccessCommand, state: AccessState, context: AccessContext): AccessEvent[] {
  const { userId } = command.data;
  if (!context.userExists(userId)) {
    throw notFound(`user ${userId} is not registered: permissions are granted to registered users`, { userId });
  }
  if (command.type === 'GrantPermission') {
    const { permission, constraints } = command.data;
    const grantId = command.data.grantId ?? context.commandId;
    const same = state.grants.find((grant) => grant.grantId === grantId);
    if (same) return [];
    return [{ type: 'PermissionGranted', data: { grantId, userId, permission, constraints } }];
  }
  const { grantId, permission } = command.data;
  const revoked = state.grants.filter((grant) => grant.grantId === grantId || grant.permission === permission);
  if (revoked.length === 0) {
    throw notFound(`user ${userId} holds no ${grantId ? `grant ${grantId}` : `grant of ${permission}`}`, {
      userId,
      grantId,
      permission,
    });
  }
  return revoked.map((grant) => ({
    type: 'PermissionRevoked',
    data: { grantId: grant.grantId, userId, permission: grant.permission },
  }));
}
