import type { GrantConstraints } from '../access/accessEvents';
import type { Decider } from '../decider';
import { decision, describeEvents } from '../decider';
import type { AssignmentPreferences } from '../portal/portalEvents';
import { notFound, ruleViolation } from '../shared/domainError';
import type { MessagesOf } from '../shared/messages';
import type { Instant } from '../shared/primitives';
import type { assignmentRuleCommandSchemas } from './assignmentRuleCommands';
import type { assignmentRuleEventSchemas, RuleMode, RuleSettings, RuleTarget } from './assignmentRuleEvents';

export type AssignmentRuleEvent = MessagesOf<typeof assignmentRuleEventSchemas>;
export type AssignmentRuleCommand = MessagesOf<typeof assignmentRuleCommandSchemas>;
export type ActiveRule = RuleSettings & {
  ruleId: string;
  courseId: string;
  target: RuleTarget;
  mode: RuleMode;
  createdBy: string;
  createdAt: Instant;
  audienceScope: GrantConstraints[] | null;
  retired: boolean;
};
export type AssignmentRuleState = { exists: false } | ({ exists: true } & ActiveRule);

export interface AssignmentRuleContext {
  now: Instant;
  actorId: string;
  preferences: AssignmentPreferences;
  /** undefined: no such course. */
  courseActive(courseId: string): boolean | undefined;
  groupName(groupId: string): string | undefined;
  audienceScope: GrantConstraints[] | null;
}

type CreateRuleCommand = Extract<AssignmentRuleCommand, { type: 'CreateAssignmentRule' }>;

export const assignmentRuleDecider: Decider<
  AssignmentRuleCommand,
  AssignmentRuleEvent,
  AssignmentRuleState,
  AssignmentRuleContext
> = {
  initialState: () => ({ exists: false }),

  decide(command, state, context) {
    const events = decideRuleEvents(command, state, context);
    const { ruleId } = command.data;
    if (events.length > 0 && command.type === 'CreateAssignmentRule') {
      const keeps = command.data.mode === 'dynamic' ? ' and keeps applying as users come to match it' : '';
      return decision(events, `assignment rule ${ruleId} created: it applies to its audience now${keeps}`);
    }
    if (events.length > 0 && command.type === 'RetireAssignmentRule') {
      return decision(
        events,
        `assignment rule ${ruleId} retired: its source is withdrawn from every user who holds it`,
      );
    }
    const updated = events.find((event) => event.type === 'AssignmentRuleUpdated');
    if (updated?.type === 'AssignmentRuleUpdated') {
      return decision(
        events,
        `assignment rule ${ruleId} updated (${updated.data.changed.join(', ')}): users it reaches from now on get the new settings; those who hold it keep their due dates until their next reset`,
      );
    }
    return decision(events, describeEvents(events, `assignment rule ${ruleId}`));
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AssignmentRuleCreated':
        return { exists: true, retired: false, ...event.data };
      case 'AssignmentRuleUpdated':
        return state.exists ? { ...state, ...event.data.settings } : state;
      case 'AssignmentRuleRetired':
        return state.exists ? { ...state, retired: true } : state;
    }
  },
};

function decideRuleEvents(
  command: AssignmentRuleCommand,
  state: AssignmentRuleState,
  context: AssignmentRuleContext,
): AssignmentRuleEvent[] {
  switch (command.type) {
    case 'CreateAssignmentRule':
      return createRule(command, state, context);
    case 'UpdateAssignmentRule': {
      const rule = requireLiveRule(state, command.data.ruleId);
      const { ruleId: _ruleId, ...changes } = command.data;
      const settings: RuleSettings = {
        name: changes.name ?? rule.name,
        due: changes.due ?? rule.due,
        required: changes.required ?? rule.required,
        dynamicReassignment:
          changes.dynamicReassignment === undefined
            ? rule.dynamicReassignment
            : dynamicFlag('dynamicReassignment', changes.dynamicReassignment, rule.mode, context.preferences),
        upgradeToLatestVersion:
          changes.upgradeToLatestVersion === undefined
            ? rule.upgradeToLatestVersion
            : dynamicFlag('upgradeToLatestVersion', changes.upgradeToLatestVersion, rule.mode, context.preferences),
      };
      const changed = (Object.keys(settings) as (keyof RuleSettings)[]).filter(
        (key) => JSON.stringify(settings[key]) !== JSON.stringify(rule[key]),
      );
      if (changed.length === 0) return [];
      return [{ type: 'AssignmentRuleUpdated', data: { ruleId: rule.ruleId, changed, settings } }];
    }
    case 'RetireAssignmentRule': {
      if (!state.exists)
        throw notFound(`assignment rule ${command.data.ruleId} does not exist`, { ruleId: command.data.ruleId });
      return state.retired ? [] : [{ type: 'AssignmentRuleRetired', data: { ruleId: state.ruleId } }];
    }
  }
}

function createRule(
  command: CreateRuleCommand,
  state: AssignmentRuleState,
  context: AssignmentRuleContext,
): AssignmentRuleEvent[] {
  const data = command.data;
  if (state.exists) throw ruleViolation(`assignment rule ${data.ruleId} already exists`, { ruleId: data.ruleId });
  const active = context.courseActive(data.courseId);
  if (active === undefined)
    throw notFound(`course ${data.courseId} does not exist: check the id`, { courseId: data.courseId });
  if (!active)
    throw ruleViolation(
      `course ${data.courseId} is inactive: only an active course can be assigned; activate it first`,
      { courseId: data.courseId },
      'R15',
    );
  let targetLabel = data.target.kind === 'allUsers' ? 'Mandatory' : 'Default for New Starters';
  if (data.target.kind === 'group') {
    const groupName = context.groupName(data.target.groupId);
    if (groupName === undefined)
      throw notFound(`group ${data.target.groupId} does not exist: create it first`, {
        groupId: data.target.groupId,
      });
    targetLabel = `Group: ${groupName}`;
  } else if (data.mode === 'standard') {
    throw ruleViolation(
      `${data.target.kind === 'allUsers' ? 'a mandatory (allUsers)' : 'a newStarters'} rule reaches future users too, so its mode must be dynamic`,
      { target: data.target.kind },
      data.target.kind === 'allUsers' ? 'R19' : 'R18',
    );
  }
  return [
    {
      type: 'AssignmentRuleCreated',
      data: {
        ruleId: data.ruleId,
        name: data.name ?? `${targetLabel}: ${data.courseId}`,
        courseId: data.courseId,
        target: data.target,
        mode: data.mode,
        due: data.due,
        dynamicReassignment: dynamicFlag(
          'dynamicReassignment',
          data.dynamicReassignment,
          data.mode,
          context.preferences,
        ),
        upgradeToLatestVersion: dynamicFlag(
          'upgradeToLatestVersion',
          data.upgradeToLatestVersion,
          data.mode,
          context.preferences,
        ),
        required: data.required,
        createdBy: context.actorId,
        createdAt: context.now,
        audienceScope: context.audienceScope,
      },
    },
  ];
}

/**
 * R12: a dynamic rule's flag defaults to the portal preference; it can be switched off, and on only where the portal
 * enables it.
 */
function dynamicFlag(
  flag: 'dynamicReassignment' | 'upgradeToLatestVersion',
  requested: boolean | undefined,
  mode: RuleMode,
  preferences: AssignmentPreferences,
): boolean {
  if (mode === 'standard') {
    if (requested)
      throw ruleViolation(`${flag} applies to dynamic rules only; a standard rule assigns once`, { flag }, 'R10');
    return false;
  }
  if (requested && !preferences[flag]) {
    throw ruleViolation(
      `${flag} is disabled in the portal's assignment preferences: enable it with SetAssignmentPreferences first`,
      { flag },
      'R12',
    );
  }
  return requested ?? preferences[flag];
}

function requireLiveRule(state: AssignmentRuleState, ruleId: string) {
  if (!state.exists) throw notFound(`assignment rule ${ruleId} does not exist`, { ruleId });
  if (state.retired) throw ruleViolation(`assignment rule ${ruleId} is retired and cannot change`, { ruleId });
  return state;
}
