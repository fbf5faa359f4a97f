import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import type { MessagesOf } from '../shared/messages';
import type { portalCommandSchemas } from './portalCommands';
import type { AssignmentPreferences, portalEventSchemas } from './portalEvents';

/**
 * A new portal: due dates resolve to the earliest source, dynamic reassignment is on, upgrade-to-latest is off
 * (an admin opts in), learners are notified, and the portal clock is UTC until set.
 */
export const defaultPreferences: AssignmentPreferences = {
  dueDatePolicy: 'earliest',
  dynamicReassignment: true,
  upgradeToLatestVersion: false,
  notifyOnAssign: true,
  timeZone: 'UTC',
  reminderDays: [],
  escalateOverdueToManager: false,
};

export type PortalState = AssignmentPreferences;
export type PortalEvent = MessagesOf<typeof portalEventSchemas>;
export type PortalCommand = MessagesOf<typeof portalCommandSchemas>;

export const portalDecider: Decider<PortalCommand, PortalEvent, PortalState, unknown> = {
  initialState: () => ({ ...defaultPreferences }),

  decide(command, state) {
    const next = { ...state, ...stripUndefined(command.data) };
    const changed = (Object.keys(next) as (keyof AssignmentPreferences)[]).filter(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(state[key]),
    );
    const events: PortalEvent[] =
      changed.length === 0 ? [] : [{ type: 'AssignmentPreferencesSet', data: { ...next, changed } }];
    return decision(events, describeEvents(events, 'assignment preferences'));
  },

  evolve(_state, event) {
    const { changed: _changed, ...preferences } = event.data;
    // Preferences set before reminders existed carry none: the defaults hold for what they lack.
    return { ...defaultPreferences, ...preferences };
  },
};

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
