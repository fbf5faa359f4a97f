import { IANAZone } from 'luxon';
import { z } from 'zod';

/** Entity ids are chosen by the caller (HR feed, catalogue); they become part of stream names. */
export const IdSchema = z
  .string()
  .min(1, 'an id must not be empty')
  .max(128, 'an id has at most 128 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
    'an id uses letters, digits and . _ : @ - and starts with a letter or digit',
  );

/** A calendar date, YYYY-MM-DD. */
export const CalendarDateSchema = z.iso.date({ error: 'a calendar date as YYYY-MM-DD' });
export type CalendarDate = z.infer<typeof CalendarDateSchema>;

/** An instant with offset, ISO-8601. */
export const InstantSchema = z.iso.datetime({
  offset: true,
  error: 'an ISO-8601 instant such as 2026-01-31T09:00:00Z',
});

/** R28: a date or instant a caller gives lies between these; anything else is VALIDATION_FAILED. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2200-12-31';
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const LATEST_MS = Date.parse(`${LATEST_DATE}T23:59:59.999Z`);

/**
 * A calendar date a caller gives (R28). Dates the engine computes from one (a due date up to 3650 days on, an expiry
 * up to 36,500 days on) stay within four-digit years, so they always fit the stored CalendarDateSchema.
 */
export const DateInputSchema = CalendarDateSchema.refine((date) => date >= EARLIEST_DATE && date <= LATEST_DATE, {
  error: `a date from ${EARLIEST_DATE} to ${LATEST_DATE}`,
});

/** An instant a caller gives (R28), within the same range. */
export const InstantInputSchema = InstantSchema.refine(
  (instant) => {
    const ms = Date.parse(instant);
    return ms >= EARLIEST_MS && ms <= LATEST_MS;
  },
  { error: `an instant from ${EARLIEST_DATE} to ${LATEST_DATE}` },
);
export type Instant = z.infer<typeof InstantSchema>;

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isKnownZone, { error: 'an IANA time zone such as Europe/London' });

/** Zones seen valid, remembered: every decided event's zone is validated, and luxon's check builds a formatter. */
const knownZones = new Set<string>();
function isKnownZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (knownZones.size < 1000) knownZones.add(zone);
  return true;
}

/** Control characters: NUL and the rest of C0, and DEL; multi-line text may hold tabs and line breaks. */
/* eslint-disable no-control-regex -- matching control characters is the point */
const CONTROL = /[\u0000-\u001F\u007F]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/* eslint-enable no-control-regex */
/** A UTF-16 surrogate not in a pair: JSON can carry one, but no store or read model keeps it as it was. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text people type (names, labels, reasons, notes, search text): well-formed Unicode without control characters,
 * so what is stored, searched and shown is exactly what was sent (a NUL would end an SQL LIKE pattern early).
 */
export function textSchema(
  max: number,
  options: { min?: number; trim?: boolean; multiline?: boolean; empty?: string } = {},
) {
  const control = options.multiline ? CONTROL_BUT_LINES : CONTROL;
  const trimmed = options.trim ? z.string().trim() : z.string();
  const base = options.min ? trimmed.min(options.min, options.empty ?? 'must not be empty') : trimmed;
  return base
    .max(max)
    .refine((text) => !control.test(text), {
      error: options.multiline
        ? 'control characters other than tabs and line breaks are not allowed'
        : 'control characters are not allowed',
    })
    .refine((text) => !LONE_SURROGATE.test(text), { error: 'text must be well-formed Unicode (no lone surrogate)' });
}

export const ReasonSchema = textSchema(2000, {
  min: 1,
  trim: true,
  multiline: true,
  empty: 'a reason must not be empty',
});
export const NameSchema = textSchema(300, { min: 1, trim: true });
export const LabelSchema = textSchema(200, { min: 1, trim: true });

export const CommandIdSchema = z.ulid({ error: 'commandId must be a ULID (26 characters, Crockford base32)' });
