import { z } from 'zod';
import {
  CalendarDateSchema,
  DateInputSchema,
  IdSchema,
  LabelSchema,
  NameSchema,
  TimeZoneSchema,
} from '../shared/primitives';

export const UserProfileSchema = z.object({
  name: NameSchema,
  email: z.email({ error: 'a valid email address' }).max(320),
  orgUnitId: IdSchema,
  department: LabelSchema.nullable(),
  role: LabelSchema.nullable(),
  location: LabelSchema.nullable(),
  managerId: IdSchema.nullable(),
  hireDate: DateInputSchema,
  /** null: the portal's time zone applies. */
  timeZone: TimeZoneSchema.nullable(),
});
export type UserProfile = z.infer<typeof UserProfileSchema>;
/** A profile's fields, in the schema's order: what UpdateUserProfile compares and what a users CSV file may carry. */
export const PROFILE_FIELDS = UserProfileSchema.keyof().options;

export const UserRegisteredSchema = UserProfileSchema.extend({ userId: IdSchema });
export const UserProfileUpdatedSchema = z.object({
  userId: IdSchema,
  changed: z.array(z.string()),
  profile: UserProfileSchema,
  /** R26: the hire date before, when it changed: the due dates counting from it (R18) move with it. */
  previousHireDate: CalendarDateSchema.optional(),
});
export const UserDeactivatedSchema = z.object({ userId: IdSchema });

export const userEventSchemas = {
  UserRegistered: UserRegisteredSchema,
  UserProfileUpdated: UserProfileUpdatedSchema,
  UserDeactivated: UserDeactivatedSchema,
} as const;
