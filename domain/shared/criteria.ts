import { z } from 'zod';
import { DateInputSchema, IdSchema, LabelSchema } from './primitives';

/** Attributes of a user profile that criteria can test. */
export const CriteriaAttributeSchema = z.enum(['department', 'role', 'location', 'managerId', 'timeZone', 'email']);
export type CriteriaAttribute = z.infer<typeof CriteriaAttributeSchema>;

/**
 * A typed expression over user attributes: all/any/not over leaves that test an attribute, an org unit
 * (with its descendants by default) or the hire date. Used by dynamic groups and course visibility.
 */
export type Criteria =
  | { kind: 'all'; of: Criteria[] }
  | { kind: 'any'; of: Criteria[] }
  | { kind: 'not'; of: Criteria }
  | { kind: 'attribute'; attribute: CriteriaAttribute; in: string[] }
  | { kind: 'orgUnit'; orgUnitId: string; includeDescendants: boolean }
  | { kind: 'hireDate'; onOrAfter?: string | undefined; before?: string | undefined };

export const MAX_CRITERIA_DEPTH = 8;

const AttributeLeaf = z.strictObject({
  kind: z.literal('attribute'),
  attribute: CriteriaAttributeSchema,
  in: z.array(LabelSchema).min(1).max(1000),
});
const OrgUnitLeaf = z.strictObject({
  kind: z.literal('orgUnit'),
  orgUnitId: IdSchema,
  includeDescendants: z.boolean().default(true),
});
const HireDateLeaf = z
  .strictObject({
    kind: z.literal('hireDate'),
    onOrAfter: DateInputSchema.optional(),
    before: DateInputSchema.optional(),
  })
  .refine((leaf) => leaf.onOrAfter !== undefined || leaf.before !== undefined, {
    error: 'hireDate needs onOrAfter, before or both',
  });

export const CriteriaSchema: z.ZodType<Criteria> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all'), of: z.array(CriteriaSchema).min(1).max(100) }),
    z.strictObject({ kind: z.literal('any'), of: z.array(CriteriaSchema).min(1).max(100) }),
    z.strictObject({ kind: z.literal('not'), of: CriteriaSchema }),
    AttributeLeaf,
    OrgUnitLeaf,
    HireDateLeaf,
  ]),
);

/** Criteria with a bounded depth: deep JSON must be refused, not recursed into without end. */
export const BoundedCriteriaSchema = z
  .unknown()
  .refine((value) => depthOf(value) <= MAX_CRITERIA_DEPTH, {
    error: `criteria nest at most ${MAX_CRITERIA_DEPTH} levels deep`,
  })
  .pipe(CriteriaSchema);

function depthOf(value: unknown, level = 0): number {
  if (level > MAX_CRITERIA_DEPTH) return level;
  if (value === null || typeof value !== 'object') return level;
  const of = (value as { of?: unknown }).of;
  if (Array.isArray(of))
    return of.reduce((deepest: number, child) => Math.max(deepest, depthOf(child, level + 1)), level + 1);
  if (of && typeof of === 'object') return depthOf(of, level + 1);
  return level + 1;
}
