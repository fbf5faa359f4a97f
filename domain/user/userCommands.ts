import { z } from 'zod';
import { IdSchema } from '../shared/primitives';
import { UserProfileSchema } from './userEvents';

const optionalProfile = {
  department: UserProfileSchema.shape.department.default(null),
  role: UserProfileSchema.shape.role.default(null),
  location: UserProfileSchema.shape.location.default(null),
  managerId: UserProfileSchema.shape.managerId.default(null),
  timeZone: UserProfileSchema.shape.timeZone.default(null),
};

export const RegisterUserSchema = UserProfileSchema.extend({ userId: IdSchema, ...optionalProfile }).strict();
export type RegisterUser = z.infer<typeof RegisterUserSchema>;

/** Only the fields given change; null clears an optional field. */
export const UpdateUserProfileSchema = UserProfileSchema.partial()
  .extend({ userId: IdSchema })
  .strict()
  .refine((command) => Object.keys(command).length > 1, { error: 'give at least one profile field to change' });
export type UpdateUserProfile = z.infer<typeof UpdateUserProfileSchema>;

export const DeactivateUserSchema = z.object({ userId: IdSchema }).strict();
export type DeactivateUser = z.infer<typeof DeactivateUserSchema>;

export const userCommandSchemas = {
  RegisterUser: RegisterUserSchema,
  UpdateUserProfile: UpdateUserProfileSchema,
  DeactivateUser: DeactivateUserSchema,
} as const;
