import { z } from 'zod';
import { IdSchema } from '../shared/primitives';
import { DashboardRowSchema } from './userViewResults';

/** The results of MyTeam and SearchUsers (DESIGN.md section 4): only the people the actor may view (R17). */

export const MyTeamResultSchema = z
  .object({
    managerId: IdSchema,
    scope: z.enum(['direct', 'all']),
    /** Active members the actor may view, by user id, each with their visible assignments, soonest due first. */
    members: z.array(
      z
        .object({
          userId: IdSchema,
          name: z.string(),
          /** Their own manager: with scope `all`, a manager below the one asked about. */
          managerId: IdSchema.nullable(),
          assignments: z.array(DashboardRowSchema),
        })
        .strict(),
    ),
  })
  .strict();

export const FoundUserSchema = z
  .object({
    userId: IdSchema,
    name: z.string(),
    email: z.string(),
    department: z.string().nullable(),
    role: z.string().nullable(),
    orgUnitId: IdSchema,
    active: z.boolean(),
  })
  .strict();

/** At most `limit` users, by name. */
export const SearchUsersResultSchema = z.array(FoundUserSchema);
