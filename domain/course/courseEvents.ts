import { z } from 'zod';
import { BoundedCriteriaSchema } from '../shared/criteria';
import { IdSchema, InstantSchema, LabelSchema, NameSchema, textSchema } from '../shared/primitives';

export const CourseKindSchema = z.enum(['course', 'learningPath', 'curriculum']);
/** coursePublisher: online courses versioned through a course publisher (R14's registration rules apply). */
export const VersioningSchema = z.enum(['standard', 'coursePublisher']);
export type Versioning = z.infer<typeof VersioningSchema>;

/** Who may be assigned the course (R15): everyone, or users matching criteria. */
export const VisibilitySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('everyone') }),
  z.strictObject({ kind: z.literal('audience'), criteria: BoundedCriteriaSchema }),
]);
export type Visibility = z.infer<typeof VisibilitySchema>;

export const CourseDefinitionSchema = z.object({
  courseId: IdSchema,
  title: NameSchema,
  kind: CourseKindSchema,
  provider: LabelSchema,
  trainingType: LabelSchema,
  versioning: VersioningSchema,
  /** Days a completion stays valid; null: it never expires (R5). */
  validityDays: z.number().int().min(1).max(36500).nullable(),
  /**
   * R24: how many days before expiry the retake is assigned (due on the expiry date); null: only at expiry (R5).
   * Courses created before R24 carry none.
   */
  recertificationWindowDays: z.number().int().min(1).max(36500).nullable().optional(),
  visibility: VisibilitySchema,
  /** Where instructor-led training is held; a location constraint (R17) admits only training at its locations. */
  location: LabelSchema.nullable(),
});
export type CourseDefinition = z.infer<typeof CourseDefinitionSchema>;

export const CourseCreatedSchema = CourseDefinitionSchema.extend({ version: z.literal(1), publishedAt: InstantSchema });
export const CourseVersionUpgradedSchema = z.object({
  courseId: IdSchema,
  version: z.number().int().min(2),
  previousVersion: z.number().int().min(1),
  publishedAt: InstantSchema,
  notes: textSchema(2000, { multiline: true }).nullable(),
});
export const CourseDeactivatedSchema = z.object({ courseId: IdSchema });
export const CourseActivatedSchema = z.object({ courseId: IdSchema });

export const courseEventSchemas = {
  CourseCreated: CourseCreatedSchema,
  CourseVersionUpgraded: CourseVersionUpgradedSchema,
  CourseDeactivated: CourseDeactivatedSchema,
  CourseActivated: CourseActivatedSchema,
} as const;
