import { z } from 'zod';
import { DueRuleSchema } from '../shared/dueRule';
import { CalendarDateSchema, IdSchema, NameSchema } from '../shared/primitives';

export const SourceKindSchema = z.enum(['individual', 'group', 'mandatory', 'newStarter']);
export type SourceKind = z.infer<typeof SourceKindSchema>;

/**
 * Why a user holds an assignment. An individual source carries its due date as a fixed rule (or none);
 * a rule source carries the rule's due rule and the anchor day its relative window counts from.
 */
export const AssignmentSourceSchema = z.object({
  kind: SourceKindSchema,
  ruleId: IdSchema.nullable(),
  groupId: IdSchema.nullable(),
  groupName: NameSchema.nullable(),
  due: DueRuleSchema,
  /**
   * The day a relative window counts from: the assignment day, the hire date (new starters) or the reinstatement day
   * (R9).
   */
  anchorDate: CalendarDateSchema,
  assignedOn: CalendarDateSchema,
  assignedBy: IdSchema,
  required: z.boolean(),
  dynamic: z.boolean(),
  dynamicReassignment: z.boolean(),
  upgradeToLatestVersion: z.boolean(),
});
export type AssignmentSource = z.infer<typeof AssignmentSourceSchema>;

export const INDIVIDUAL = 'individual';

/** A source's identity within an assignment: its rule, or "individual". */
export const sourceKey = (source: Pick<AssignmentSource, 'ruleId'>): string => source.ruleId ?? INDIVIDUAL;

/** The labels the LMS shows (seed: individual assignment, "Assignment Sources"). */
export function sourceLabel(source: Pick<AssignmentSource, 'kind' | 'groupName'>): string {
  switch (source.kind) {
    case 'individual':
      return 'Individual';
    case 'group':
      return `Group: ${source.groupName ?? '?'}`;
    case 'mandatory':
      return 'Mandatory';
    case 'newStarter':
      return 'Default for New Starters';
  }
}
