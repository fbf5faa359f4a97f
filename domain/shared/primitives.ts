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
