import { z } from 'zod';
import { IANAZone } from 'luxon';

/** Entity ids are chosen by the caller (HR feed, catalogue); they become part of stream names. */
export const IdSchema = z
  .string()
  .min(1, 'an id must not be empty')
  .max(128, 'an id has at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'an id uses letters, digits and . _ : @ - and starts with a letter or digit');

/** A calendar date, YYYY-MM-DD. */
export const CalendarDateSchema = z.iso.date({ error: 'a calendar date as YYYY-MM-DD' });
export type CalendarDate = z.infer<typeof CalendarDateSchema>;

/** An instant with offset, ISO-8601. */
export const InstantSchema = z.iso.datetime({ offset: true, error: 'an ISO-8601 instant such as 2026-01-31T09:00:00Z' });
export type Instant = z.infer<typeof InstantSchema>;

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => IANAZone.isValidZone(zone), { error: 'an IANA time zone such as Europe/London' });

export const ReasonSchema = z.string().trim().min(1, 'a reason must not be empty').max(2000);
export const NameSchema = z.string().trim().min(1, 'must not be empty').max(300);
export const LabelSchema = z.string().trim().min(1).max(200);

export const CommandIdSchema = z.ulid({ error: 'commandId must be a ULID (26 characters, Crockford base32)' });
