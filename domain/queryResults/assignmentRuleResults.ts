import { z } from 'zod';
import { RuleModeSchema, RuleTargetSchema } from '../assignmentRule/assignmentRuleEvents';
import { DueRuleSchema } from '../shared/dueRule';
import { CalendarDateSchema, IdSchema, InstantSchema } from '../shared/primitives';
import { TrainingStatusSchema } from '../userTraining/trainingEvents';

/**
 * The results of AssignmentRules and AssignmentSummary (DESIGN.md section 4): the seed's "Assignment Summary page".
 * Counts cover the users the actor may view (R17); `outsideScope` says how many holders were left out.
 */

const count = z.number().int().min(0);

/** Holders of a rule's source per status (those not exempt from it), overdue among them (R5), and the exempt (R6). */
export const RuleCountsSchema = z.strictObject({
  notStarted: count,
  inProgress: count,
  completed: count,
  expired: count,
  overdue: count,
  exempt: count,
});
export type RuleCounts = z.infer<typeof RuleCountsSchema>;

export const AssignmentRuleViewSchema = z.strictObject({
  ruleId: IdSchema,
  name: z.string(),
  courseId: IdSchema,
  courseTitle: z.string(),
  target: RuleTargetSchema,
  /** How the LMS names the target: "Group: Engineering", "All users (mandatory)", "New starters". */
  targetLabel: z.string(),
  mode: RuleModeSchema,
  due: DueRuleSchema,
  dynamicReassignment: z.boolean(),
  upgradeToLatestVersion: z.boolean(),
  required: z.boolean(),
  retired: z.boolean(),
  createdBy: IdSchema,
  createdByName: z.string(),
  createdAt: InstantSchema,
  /** Active users who hold this rule's source now (exempt ones included), in scope or not. */
  audienceSize: count,
  counts: RuleCountsSchema,
  /** Holders the actor may not view: counted in audienceSize only. */
  outsideScope: count,
});
export type AssignmentRuleView = z.infer<typeof AssignmentRuleViewSchema>;

export const AssignmentRulesResultSchema = z.array(AssignmentRuleViewSchema);
export type AssignmentRulesResult = z.infer<typeof AssignmentRulesResultSchema>;

export const RuleUserRowSchema = z.strictObject({
  userId: IdSchema,
  name: z.string(),
  email: z.string(),
  orgUnitId: IdSchema,
  department: z.string().nullable(),
  status: TrainingStatusSchema,
  /** Percent of the version the user is on (R13). */
  progress: z.number(),
  version: z.number().int(),
  /** The assignment's effective due date (R3), whichever source chose it. */
  dueDate: CalendarDateSchema.nullable(),
  overdue: z.boolean(),
  /** Exempt from this rule (R6); the assignment may still be held through another source. */
  exempt: z.boolean(),
  /** The day this rule's source was given. */
  assignedOn: CalendarDateSchema,
  completedOn: CalendarDateSchema.nullable(),
});
export type RuleUserRow = z.infer<typeof RuleUserRowSchema>;

export const AssignmentSummaryResultSchema = z.strictObject({
  rule: AssignmentRuleViewSchema,
  /** Users the target takes in now (R10, R17 audience scope); null for new-starter rules, which apply at registration. */
  matchingNow: count.nullable(),
  users: z.strictObject({
    /** Holders the actor may view; `rows` is the page `offset`..`offset + limit` of them, by name. */
    total: count,
    offset: count,
    limit: count,
    rows: z.array(RuleUserRowSchema),
  }),
});
export type AssignmentSummaryResult = z.infer<typeof AssignmentSummaryResultSchema>;
