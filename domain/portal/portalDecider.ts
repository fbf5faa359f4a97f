import type { MessagesOf } from '../shared/messages';
import type { AssignmentPreferences, portalEventSchemas } from './portalEvents';
import type { SetAssignmentPreferences } from './portalCommands';

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
};

export type PortalState = AssignmentPreferences;
export type PortalEvent = MessagesOf<typeof portalEventSchemas>;

export const initialPortalState = (): PortalState => ({ ...defaultPreferences });

export function decidePortal(command: SetAssignmentPreferences, state: PortalState): PortalEvent[] {
  const next = { ...state, ...stripUndefined(command) };
  const changed = (Object.keys(next) as (keyof AssignmentPreferences)[]).filter((key) => next[key] !== state[key]);
  if (changed.length === 0) return [];
  return [{ type: 'AssignmentPreferencesSet', data: { ...next, changed } }];
}

export function evolvePortal(_state: PortalState, event: PortalEvent): PortalState {
  const { changed: _changed, ...preferences } = event.data;
  return preferences;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
