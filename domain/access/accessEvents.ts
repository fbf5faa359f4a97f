import { z } from 'zod';
import { IdSchema, LabelSchema } from '../shared/primitives';

export const PermissionSchema = z.enum([
  'assignment.standard',
  'assignment.dynamic',
  'exemptions.manage',
  'courses.manage',
  'users.manage',
  'groups.manage',
  'progress.record',
  'reports.view',
  'permissions.manage',
]);
export type Permission = z.infer<typeof PermissionSchema>;

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(1000).optional();

/**
 * R17 constraints. Training side (providers, trainingTypes, courseIds, locations): every kind given must admit
 * the training. User side (orgUnitIds with descendants, userIds, selfAndSubordinates, ownOrgUnit): any kind given
 * may admit the user. A side with no kind given is unconstrained.
 */
export const GrantConstraintsSchema = z
  .object({
    providers: list(LabelSchema),
    trainingTypes: list(LabelSchema),
    courseIds: list(IdSchema),
    locations: list(LabelSchema),
    orgUnitIds: list(IdSchema),
    userIds: list(IdSchema),
    selfAndSubordinates: z.literal(true).optional(),
    ownOrgUnit: z.literal(true).optional(),
  })
  .strict();
export type GrantConstraints = z.infer<typeof GrantConstraintsSchema>;

export const PermissionGrantedSchema = z.object({
  grantId: IdSchema,
  userId: IdSchema,
  permission: PermissionSchema,
  constraints: GrantConstraintsSchema,
});
export const PermissionRevokedSchema = z.object({ grantId: IdSchema, userId: IdSchema, permission: PermissionSchema });

export const accessEventSchemas = {
  PermissionGranted: PermissionGrantedSchema,
  PermissionRevoked: PermissionRevokedSchema,
} as const;
