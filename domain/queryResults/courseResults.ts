import { z } from 'zod';
import { CourseKindSchema, VersioningSchema } from '../course/courseEvents';
import { IdSchema, InstantSchema } from '../shared/primitives';

/** The result of Courses (DESIGN.md section 4): each course with its versions and who is on which (R13). */

const count = z.number().int().min(0);

export const CourseVersionViewSchema = z.strictObject({
  version: z.number().int().min(1),
  publishedAt: InstantSchema,
  /** Visible assignments of active users on this version, among the users the actor may view (R17). */
  users: count,
});

export const CourseViewSchema = z.strictObject({
  courseId: IdSchema,
  title: z.string(),
  kind: CourseKindSchema,
  provider: z.string(),
  trainingType: z.string(),
  versioning: VersioningSchema,
  active: z.boolean(),
  validityDays: z.number().int().nullable(),
  recertificationWindowDays: z.number().int().nullable(),
  location: z.string().nullable(),
  latestVersion: z.number().int().min(1),
  versions: z.array(CourseVersionViewSchema),
  /** The sum over versions. */
  assignedUsers: count,
});
export type CourseView = z.infer<typeof CourseViewSchema>;

export const CoursesResultSchema = z.array(CourseViewSchema);
export type CoursesResult = z.infer<typeof CoursesResultSchema>;
