import type { ExistingCourse } from '../course/courseDecider';
import type { AssignmentPreferences } from '../portal/portalEvents';
import type { DueRule } from '../shared/dueRule';
import type { CalendarDate, Instant } from '../shared/primitives';
import type { CorrectionCommand } from './corrections';
import type { ExemptionTick } from './trainingCommands';
import type { RemovalCause } from './trainingEvents';
import type { TrainingEvent } from './trainingState';
/** The facts of an assignment rule that a user's training needs when the rule reaches them. */
export interface RuleFacts {
  ruleId: string;
  courseId: string;
  kind: 'group' | 'mandatory' | 'newStarter';
  groupId: string | null;
  groupName: string | null;
  due: DueRule;
  required: boolean;
  dynamic: boolean;
  dynamicReassignment: boolean;
  upgradeToLatestVersion: boolean;
}

/**
 * Per-user commands: the public ones addressed to one user, and those the reactors derive from rules (R10, R11, R18,
 * R19).
 */
export type TrainingCommand =
  | { type: 'AssignIndividually'; courseId: string; dueDate: CalendarDate | null; required: boolean }
  | { type: 'ApplyRule'; rule: RuleFacts }
  | { type: 'WithdrawRule'; ruleId: string; courseId: string; cause: Exclude<RemovalCause, 'admin'> }
  | { type: 'UnassignCourse'; courseId: string }
  | { type: 'ChangeDueDate'; courseId: string; dueDate: CalendarDate | null }
  | {
      type: 'ExemptUser';
      courseId: string;
      ruleId?: string | undefined;
      reason: string;
      /** R6: the day the exemption ends; null or absent: none. */
      until?: CalendarDate | null | undefined;
      /** R6, R16: one user of many: a user who does not hold the rule's source is skipped, not refused. */
      bulk?: boolean | undefined;
    }
  | { type: 'RemoveExemption'; courseId: string; ruleId?: string | undefined }
  | { type: 'SaveExemptions'; exemptions: ExemptionTick[] }
  | { type: 'StartCourse'; courseId: string }
  | { type: 'RecordProgress'; courseId: string; progress: number }
  | { type: 'CompleteCourse'; courseId: string; completedOn?: CalendarDate | undefined; score?: number | undefined }
  | { type: 'RunScheduledTransitions' }
  | CorrectionCommand;

export interface TrainingContext {
  userId: string;
  now: Instant;
  /** Today in the user's time zone (the portal's when the user has none). */
  today: CalendarDate;
  timeZone: string;
  hireDate: CalendarDate;
  /** The user's manager, told of overdue training when the portal escalates (R23). */
  managerId: string | null;
  actorId: string;
  preferences: AssignmentPreferences;
  course(courseId: string): ExistingCourse | undefined;
  /** A rule's current terms: resets (R5, R9) take them, so a changed rule applies from the next reset on. */
  rule(ruleId: string): { due: DueRule; required: boolean } | undefined;
  /** Whether a live rule's target takes in this user now (R10): a standard rule's source outlives it (R4). */
  ruleReaches(ruleId: string): boolean;
}

export type Outcome = 'assigned' | 'reassigned' | 'sourceAdded' | 'unchanged' | 'skipped' | 'changed' | 'removed';

/** The events, plus what the reply tells the caller: R1, R4 and R8 make the message part of the rule. */
export interface TrainingDecision {
  events: TrainingEvent[];
  outcome: Outcome;
  message: string;
  warnings: string[];
  /** Labels of the sources that already held the assignment (R1). */
  heldVia?: string[];
}

/** A training decision: the events, the pair's outcome, and the reply's sentences. */
export const trainingDecision = (
  events: TrainingEvent[],
  outcome: Outcome,
  message: string,
  warnings: string[] = [],
): TrainingDecision => ({ events, outcome, message, warnings });
