/**
 * Calendar dates (YYYY-MM-DD) as day numbers (days since 1970-01-01) and back, for compact in-memory forms: a day
 * number is five characters where the date is twelve, and the date read back is the same string object for every
 * state that holds it. Integer arithmetic on the proleptic Gregorian calendar (H. Hinnant's civil-day algorithms), so
 * every four-digit year converts, with no time zone and no `Date`. Both directions are remembered (a portal's states
 * hold a few thousand distinct dates); the memory is dropped whole past its bound.
 */
const MEMORY_BOUND = 50_000;
const CANONICAL = /^\d{4}-\d{2}-\d{2}$/;

const numbers = new Map<string, number | null>();
const dates = new Map<number, string>();

/** The day number of a canonical calendar date; undefined for any other text (kept as it is by the caller). */
export function dayNumberOf(date: string): number | undefined {
  const known = numbers.get(date);
  if (known !== undefined) return known ?? undefined;
  const day = CANONICAL.test(date)
    ? daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))
    : undefined;
  // A date that does not come back as itself (a 30th of February) is not converted.
  const exact = day !== undefined && format(day) === date ? day : undefined;
  if (numbers.size >= MEMORY_BOUND) numbers.clear();
  numbers.set(date, exact ?? null);
  if (exact !== undefined) remember(exact, date);
  return exact;
}

/** The calendar date of a day number given by `dayNumberOf`. */
export function dateOfDayNumber(day: number): string {
  const known = dates.get(day);
  if (known !== undefined) return known;
  const date = format(day);
  remember(day, date);
  return date;
}

function remember(day: number, date: string): void {
  if (dates.size >= MEMORY_BOUND) dates.clear();
  dates.set(day, date);
}

function format(day: number): string {
  const [year, month, date] = civilFromDays(day);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
