import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import { notFound, ruleViolation } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { userCommandSchemas } from './userCommands';
import type { UserProfile, userEventSchemas } from './userEvents';
import { PROFILE_FIELDS } from './userEvents';

export type UserEvent = MessagesOf<typeof userEventSchemas>;
export type UserState = { exists: false } | ({ exists: true; userId: string; active: boolean } & UserProfile);

export type UserCommand = MessagesOf<typeof userCommandSchemas>;

export interface UserContext {
  orgUnitExists(orgUnitId: string): boolean;
  userExists(userId: string): boolean;
  /** The user's managers upwards: manager, manager's manager, ... */
  managementChain(userId: string): string[];
  /** Which user holds an email address, if any (emails are unique, compared case-insensitively). */
  emailOwner(email: string): string | undefined;
}

export const userDecider: Decider<UserCommand, UserEvent, UserState, UserContext> = {
  initialState: () => ({ exists: false }),

  decide(command, state, context) {
    const events = decideUserEvents(command, state, context);
    return decision(events, describeUserEvents(command.data.userId, events));
  },

  evolve(state, event) {
    switch (event.type) {
      case 'UserRegistered':
        return { exists: true, active: true, ...event.data };
      case 'UserProfileUpdated':
        return state.exists ? { ...state, ...event.data.profile } : state;
      case 'UserDeactivated':
        return state.exists ? { ...state, active: false } : state;
    }
  },
};

function decideUserEvents(command: UserCommand, state: UserState, context: UserContext): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser': {
      const { userId, ...profile } = command.data;
      if (state.exists) {
        throw ruleViolation(`user ${userId} is already registered: use UpdateUserProfile to change their profile`, {
          userId,
        });
      }
      checkProfile(userId, profile, context);
      return [{ type: 'UserRegistered', data: { userId, ...profile } }];
    }
    case 'UpdateUserProfile': {
      const { userId, ...changes } = command.data;
      const current = requireActive(state, userId);
      const profile: UserProfile = { ...pickProfile(current) };
      for (const field of PROFILE_FIELDS) {
        if (changes[field] !== undefined) Object.assign(profile, { [field]: changes[field] });
      }
      const changed = PROFILE_FIELDS.filter((field) => profile[field] !== current[field]);
      if (changed.length === 0) return [];
      checkProfile(userId, profile, context);
      // R26: a corrected hire date says what it was, so the due dates counting from it can move (R18).
      const previous = changed.includes('hireDate') ? { previousHireDate: current.hireDate } : {};
      return [{ type: 'UserProfileUpdated', data: { userId, changed, profile, ...previous } }];
    }
    case 'DeactivateUser': {
      const current = requireExisting(state, command.data.userId);
      if (!current.active) return [];
      return [{ type: 'UserDeactivated', data: { userId: current.userId } }];
    }
  }
}

function describeUserEvents(userId: string, events: UserEvent[]): string {
  const [event] = events;
  switch (event?.type) {
    case 'UserRegistered':
      return `user ${userId} (${event.data.name}) registered`;
    case 'UserProfileUpdated':
      return `${userId}'s profile changed: ${event.data.changed.join(', ')}`;
    case 'UserDeactivated':
      return `user ${userId} deactivated: dynamic rules withdraw their training; history stays`;
    default:
      return describeEvents(events, `user ${userId}`);
  }
}

export function pickProfile(user: UserProfile): UserProfile {
  const { name, email, orgUnitId, department, role, location, managerId, hireDate, timeZone } = user;
  return { name, email, orgUnitId, department, role, location, managerId, hireDate, timeZone };
}

function requireExisting(state: UserState, userId: string) {
  if (!state.exists)
    throw notFound(`user ${userId} is not registered: check the id or register the user first`, { userId });
  return state;
}

function requireActive(state: UserState, userId: string) {
  const user = requireExisting(state, userId);
  if (!user.active)
    throw ruleViolation(`user ${userId} is deactivated: a deactivated user's profile cannot change`, { userId });
  return user;
}

function checkProfile(userId: string, profile: UserProfile, context: UserContext): void {
  if (!context.orgUnitExists(profile.orgUnitId)) {
    throw notFound(`org unit ${profile.orgUnitId} does not exist: define it with DefineOrgUnit first`, {
      orgUnitId: profile.orgUnitId,
    });
  }
  const owner = context.emailOwner(profile.email);
  if (owner !== undefined && owner !== userId) {
    throw ruleViolation(`email ${profile.email} already belongs to user ${owner}`, {
      email: profile.email,
      userId: owner,
    });
  }
  if (profile.managerId !== null) {
    if (profile.managerId === userId) throw ruleViolation(`user ${userId} cannot be their own manager`, { userId });
    if (!context.userExists(profile.managerId)) {
      throw notFound(`manager ${profile.managerId} is not a registered user: register the manager first`, {
        managerId: profile.managerId,
      });
    }
    if (context.managementChain(profile.managerId).includes(userId)) {
      throw ruleViolation(`user ${profile.managerId} reports to ${userId}, so cannot also be their manager`, {
        managerId: profile.managerId,
      });
    }
  }
}
