import { z } from 'zod';
import { IdSchema, textSchema } from '../shared/primitives';
import { CourseDefinitionSchema } from './courseEvents';

export const CreateCourseSchema = CourseDefinitionSchema.extend({
  versioning: CourseDefinitionSchema.shape.versioning.default('standard'),
  validityDays: CourseDefinitionSchema.shape.validityDays.default(null),
  visibility: CourseDefinitionSchema.shape.visibility.default({ kind: 'everyone' }),
  location: CourseDefinitionSchema.shape.location.default(null),
  recertificationWindowDays: z.number().int().min(1).max(36500).nullable().default(null),
})
  .strict()
  .refine(
    (course) =>
      course.recertificationWindowDays === null ||
      (course.validityDays !== null && course.recertificationWindowDays < course.validityDays),
    {
      error: 'recertificationWindowDays needs validityDays and must be fewer days than it',
      path: ['recertificationWindowDays'],
    },
  );
export type CreateCourse = z.infer<typeof CreateCourseSchema>;

export const UpgradeVersionSchema = z
  .object({ courseId: IdSchema, notes: textSchema(2000, { multiline: true }).optional() })
  .strict();
export type UpgradeVersion = z.infer<typeof UpgradeVersionSchema>;

export const DeactivateCourseSchema = z.object({ courseId: IdSchema }).strict();
export const ActivateCourseSchema = z.object({ courseId: IdSchema }).strict();

export const courseCommandSchemas = {
  CreateCourse: CreateCourseSchema,
  UpgradeVersion: UpgradeVersionSchema,
  DeactivateCourse: DeactivateCourseSchema,
  ActivateCourse: ActivateCourseSchema,
} as const;
