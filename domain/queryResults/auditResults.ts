import { z } from 'zod';
import { RuleModeSchema } from '../assignmentRule/assignmentRuleEvents';
import { DueDatePolicySchema } from '../portal/portalEvents';
import { CalendarDateSchema, IdSchema, InstantSchema } from '../shared/primitives';
import { RemovalCauseSchema, TrainingStatusSchema, trainingEventSchemas } from '../userTraining/trainingEvents';
import { SourceViewSchema } from './userViewResults';

/**
 * The results of AssignmentHistory and ExplainAssignment (DESIGN.md section 4): the auditor's questions, answered
 * from the user's training events (R26: as true on `asOf`, as the engine said at `knownAt`).
 */

type TrainingEventType = keyof typeof trainingEventSchemas;
const trainingEventTypes = Object.keys(trainingEventSchemas) as [TrainingEventType, ...TrainingEventType[]];

/** R26: which view an answer is: both questions echoed as instants (null when not asked), and the view in words. */
const bitemporalView = {
  /** What was true then, as known now (or at `knownAt`): corrections applied; a plain date read as its day's end. */
  asOf: InstantSchema.nullable(),
  /** What the engine said at that instant: only the events recorded by then. */
  knownAt: InstantSchema.nullable(),
  view: z.string(),
};

export const AssignmentHistoryResultSchema = z
  .object({
    userId: IdSchema,
    ...bitemporalView,
    /** Every assignment the user had then, removed ones included (`active` false). */
    assignments: z.array(
      z
        .object({
          courseId: IdSchema,
          title: z.string(),
          active: z.boolean(),
          /** False when removed or when every source is exempt (R6). */
          visible: z.boolean(),
          status: TrainingStatusSchema,
          dueDate: CalendarDateSchema.nullable(),
          /** R5, judged at `asOf` (else `knownAt`, else now) in the user's zone; never for an invisible assignment. */
          overdue: z.boolean(),
          version: z.number().int(),
          /** Each source's label (R1); a rule outside the actor's scope reads "a rule outside your scope" (R17). */
          sources: z.array(z.string()),
          /** The last completion's date and score; null when never completed. */
          completedOn: CalendarDateSchema.nullable(),
          score: z.number().nullable(),
        })
        .strict(),
    ),
    /** The training events, oldest first, each with who recorded it, why, and a line saying what it did. */
    events: z.array(
      z
        .object({
          position: z.number().int().min(0),
          at: InstantSchema,
          /** A user, or the engine work that recorded it (the scheduler, the reactor). */
          actorId: z.string(),
          commandId: z.string(),
          type: z.enum(trainingEventTypes),
          reason: z.string().nullable(),
          summary: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

/** R2, R3, R9: the due date each source asks for, and the one that applies. */
export const DueDateExplanationSchema = z
  .object({
    dueDate: CalendarDateSchema.nullable(),
    /** The policy the stored due date was computed under. */
    policy: DueDatePolicySchema,
    /** An admin's ChangeDueDate, in force until the next reset. */
    override: CalendarDateSchema.nullable(),
    candidates: z.array(
      z
        .object({
          /** "individual", a rule id, or "outside-scope-N" for a rule the actor may not see (R17). */
          sourceKey: z.string(),
          label: z.string(),
          date: CalendarDateSchema.nullable(),
          exempt: z.boolean(),
          /** How the date was worked out: "28 days from 2026-01-05", "fixed date 2026-03-01", "no due date". */
          basis: z.string(),
        })
        .strict(),
    ),
    /** The source whose date won, "override" for an admin's ChangeDueDate, or null when nothing sets a date. */
    winner: z.string().nullable(),
  })
  .strict();

/** R4, R10: the last removal of a removed assignment. */
export const RemovalExplanationSchema = z
  .object({
    cause: RemovalCauseSchema,
    /** The instant the removal was recorded, and who (or which engine work) recorded it. */
    at: InstantSchema,
    by: z.string(),
    /** The rule whose source went last, when it is within the actor's scope. */
    ruleName: z.string().nullable(),
    text: z.string(),
  })
  .strict();

/** An exemption: why, who applied it and when, and (R6) the day it ends, when it has an end date. */
const ExemptionSchema = z
  .object({ reason: z.string(), appliedBy: IdSchema, appliedAt: InstantSchema, until: CalendarDateSchema.optional() })
  .strict();

/** A source as explain shows it: a rule outside the actor's scope (R17) has no id, rule or exemption. */
const ExplainedSourceSchema = SourceViewSchema.extend({
  rule: z.object({ name: z.string(), mode: RuleModeSchema, createdBy: IdSchema }).strict().nullable(),
  exemption: ExemptionSchema.nullable(),
}).strict();

/**
 * R6: an exemption kept for a rule whose source dynamic removal took away: given back if the rule assigns the course
 * again, unless removed or ended meanwhile. Rules outside the actor's scope are left out (R17).
 */
const KeptExemptionSchema = z.object({ ruleId: IdSchema, exemption: ExemptionSchema }).strict();

export const ExplainAssignmentResultSchema = z
  .object({
    userId: IdSchema,
    courseId: IdSchema,
    title: z.string(),
    active: z.boolean(),
    visible: z.boolean(),
    status: TrainingStatusSchema,
    version: z.number().int(),
    ...bitemporalView,
    sources: z.array(ExplainedSourceSchema),
    /** R6: exemptions kept for rules whose source is away (dynamic removal); absent when there are none. */
    keptExemptions: z.array(KeptExemptionSchema).optional(),
    dueDate: DueDateExplanationSchema,
    /** The portal's due-date policy now; `dueDate.policy` is the one the stored date was computed under. */
    portalDueDatePolicy: DueDatePolicySchema,
    /** Sentences on how the due date stands: an admin's override, a policy changed since. */
    dueDateNotes: z.array(z.string()),
    /** Why the user is on their version, one sentence per decision, naming its spec rule (R13, R14). */
    versionDecisions: z.array(z.string()),
    /**
     * R26: the corrections of this assignment in the view (completion corrected or revoked, due date extended or
     * moved by a corrected hire date), each a sentence with when and by whom it was recorded.
     */
    corrections: z.array(z.string()),
    lastRemoval: z.object({ cause: RemovalCauseSchema, status: TrainingStatusSchema }).strict().nullable(),
    /** When the assignment is removed: when, by whom, and why, in words. */
    removal: RemovalExplanationSchema.nullable(),
  })
  .strict();
export type AssignmentExplanation = z.infer<typeof ExplainAssignmentResultSchema>;
export type RemovalExplanation = z.infer<typeof RemovalExplanationSchema>;
