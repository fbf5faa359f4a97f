import { z } from 'zod';
import type { DomainEvent } from '../events';
import { DueDatePolicySchema } from '../portal/portalEvents';
import { DueRuleSchema } from '../shared/dueRule';
import { CalendarDateSchema, IdSchema, InstantSchema, ReasonSchema } from '../shared/primitives';
import { AssignmentSourceSchema } from './assignmentSource';
import { correctionEventSchemas, DueDateCorrectionSchema } from './correctionEvents';
import type { TrainingEvent } from './trainingState';

export const TrainingStatusSchema = z.enum(['notStarted', 'inProgress', 'completed', 'expired']);
export const RemovalCauseSchema = z.enum(['admin', 'dynamic', 'retired']);
export type RemovalCause = z.infer<typeof RemovalCauseSchema>;

const assignment = { userId: IdSchema, courseId: IdSchema };
const dueDate = CalendarDateSchema.nullable();
/** The effective due date after the event (R3), and the portal policy that chose it, so no reader has to recompute. */
const effectiveDue = { dueDate, dueDatePolicy: DueDatePolicySchema };
/** A source's terms renewed from its rule at a reset (R5, R9): a changed rule applies from here on. */
const RenewedSourceSchema = z.object({
  sourceKey: z.string(),
  due: DueRuleSchema,
  required: z.boolean(),
  anchorDate: CalendarDateSchema,
});
const version = z.number().int().min(1);
const progress = z.number().min(0).max(100);

export const trainingEventSchemas = {
  /** A new assignment from its first source. `notify` carries the portal's notifyOnAssign (R22). */
  TrainingAssigned: z.object({
    ...assignment,
    source: AssignmentSourceSchema,
    version,
    ...effectiveDue,
    notify: z.boolean(),
  }),
  /** R11: training taken away by dynamic removal comes back in the status it had, without a second notification. */
  TrainingReassigned: z.object({
    ...assignment,
    source: AssignmentSourceSchema,
    status: TrainingStatusSchema,
    progress,
    version,
    previousVersion: version,
    versionReason: z.string(),
    ...effectiveDue,
  }),
  /** R1: one more source for an assignment the user already holds. */
  AssignmentSourceAdded: z.object({ ...assignment, source: AssignmentSourceSchema, ...effectiveDue }),
  AssignmentSourceRemoved: z.object({
    ...assignment,
    sourceKey: z.string(),
    cause: RemovalCauseSchema,
    remainingSources: z.number().int().min(0),
    ...effectiveDue,
  }),
  /** The last source went: the assignment is gone, its history stays (R4, R10). */
  TrainingUnassigned: z.object({ ...assignment, cause: RemovalCauseSchema, status: TrainingStatusSchema }),
  DueDateChanged: z.object({
    ...assignment,
    ...effectiveDue,
    previousDueDate: dueDate,
    override: CalendarDateSchema.nullable(),
    /** R26: a correction's reason and what it corrects (an extension, a corrected hire date); none for ChangeDueDate */
    reason: ReasonSchema.optional(),
    correction: DueDateCorrectionSchema.optional(),
  }),
  ExemptionApplied: z.object({
    ...assignment,
    ruleId: IdSchema,
    reason: ReasonSchema,
    appliedBy: IdSchema,
    appliedAt: InstantSchema,
    /** R6: the day the exemption ends and the training is due again (absent: no end date). */
    until: CalendarDateSchema.optional(),
    /**
     * R6: the exemption kept while dynamic removal had taken the rule's source away, given back with the source; its
     * reason, appliedBy, appliedAt and until are the original's.
     */
    restored: z.boolean().optional(),
    ...effectiveDue,
    visible: z.boolean(),
  }),
  /** R9: the source's terms come from its rule again and its relative window restarts today; a fixed date stays. */
  ExemptionRemoved: z.object({
    ...assignment,
    ruleId: IdSchema,
    removedBy: IdSchema,
    removedAt: InstantSchema,
    renewed: RenewedSourceSchema,
    /** R6: the exemption ended by itself on its end date (removed by the scheduler's system actor). */
    lapsed: z.boolean().optional(),
    ...effectiveDue,
    visible: z.boolean(),
  }),
  /**
   * R6: an exemption kept while its rule's source is away (dynamic removal) was removed: the source comes back without
   * it. Nothing assigned changes now.
   */
  KeptExemptionRemoved: z.object({ ...assignment, ruleId: IdSchema, removedBy: IdSchema, removedAt: InstantSchema }),
  /** `withCompletion`: the registration a CompleteCourse implied, dated on the completion (R26: never after it). */
  CourseStarted: z.object({
    ...assignment,
    version,
    startedOn: CalendarDateSchema,
    withCompletion: z.literal(true).optional(),
  }),
  AssignmentVersionChanged: z.object({ ...assignment, version, previousVersion: version, reason: z.string() }),
  ProgressRecorded: z.object({ ...assignment, progress }),
  CourseCompleted: z.object({
    ...assignment,
    version,
    completedOn: CalendarDateSchema,
    score: z.number().min(0).max(100).nullable(),
    expiresOn: CalendarDateSchema.nullable(),
  }),
  /** R5: the completion lapsed; rule sources renew their terms and relative windows restart on the expiry day. */
  CompletionExpired: z.object({
    ...assignment,
    expiredOn: CalendarDateSchema,
    renewed: z.array(RenewedSourceSchema),
    ...effectiveDue,
  }),
  /**
   * R24: the course's recertification window opened: the retake is assigned, due on the expiry date (`dueDate`), while
   * the completion stays valid until `expiresOn`. Rule sources renew their terms on `opensOn`.
   */
  RecertificationDue: z.object({
    ...assignment,
    opensOn: CalendarDateSchema,
    expiresOn: CalendarDateSchema,
    renewed: z.array(RenewedSourceSchema),
    ...effectiveDue,
  }),
  /** R22, R23: published once per due date that passes unfinished; `escalateTo` names the manager to tell. */
  AssignmentOverdue: z.object({
    ...assignment,
    dueDate: CalendarDateSchema,
    escalateTo: IdSchema.nullable().optional(),
  }),
  /** R23: a reminder, once per assignment, due date and reminder day; `daysLeft` until the due date. */
  AssignmentDueSoon: z.object({
    ...assignment,
    dueDate: CalendarDateSchema,
    daysBefore: z.number().int().min(1).max(365),
    daysLeft: z.number().int().min(0),
  }),
  ...correctionEventSchemas,
} as const;

/** Whether a stored event's type is a training event (most of the log): one definition for every reader. */
export const isTrainingEventType = (type: string): boolean =>
  Object.prototype.hasOwnProperty.call(trainingEventSchemas, type);

/** Narrows a domain event to a training event. */
export const isTrainingEvent = (event: DomainEvent): event is TrainingEvent => isTrainingEventType(event.type);
