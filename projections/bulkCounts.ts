import type { Database } from 'better-sqlite3';
import { NO_DUE_DATE } from './tallySchema';

/** What one assignment row counts for: its own columns and its rule sources (the `exemptions` rows). */
export interface CountedRow {
  courseId: string;
  status: string;
  version: number;
  visible: boolean;
  overdueAt: number | null;
  userActive: number;
  orgUnitId: string;
  department: string | null;
  ruleSources: { ruleId: string; exempted: boolean }[];
}

const SEP = '\u0000';

/** The tallies themselves, as they cross to another thread (a rebuild split between two threads adds them up). */
export interface CountsTally {
  mi: Map<string, number>;
  rules: Map<string, number>;
  versions: Map<string, number>;
}

/**
 * The counts a rebuild from zero keeps while it writes (its count triggers dropped): `mi_counts`, `rule_counts` and
 * `course_version_counts`, tallied in memory row by row as they are written and stored once at the end, so the
 * rebuild reads no table back to count it. The same counts as the triggers keep (readModelSchema.ts, tallySchema.ts):
 * the property suite compares both, and both with counting the rows.
 */
export class BulkCounts {
  private readonly mi = new Map<string, number>();
  private readonly rules = new Map<string, number>();
  private readonly versions = new Map<string, number>();

  add(row: CountedRow): void {
    if (row.userActive !== 1) return;
    const overdueAt = row.overdueAt ?? NO_DUE_DATE;
    for (const source of row.ruleSources)
      bump(this.rules, [source.ruleId, source.exempted ? 1 : 0, row.status, overdueAt].join(SEP));
    if (!row.visible) return;
    bump(this.versions, [row.courseId, row.version].join(SEP));
    bump(this.mi, [row.courseId, row.status, overdueAt, row.orgUnitId, row.department ?? ''].join(SEP));
  }

  tally(): CountsTally {
    return { mi: this.mi, rules: this.rules, versions: this.versions };
  }

  /** Adds counts tallied elsewhere over other rows (the counts are sums over rows, so halves add up). */
  addTally(tally: CountsTally): void {
    for (const [key, n] of tally.mi) bump(this.mi, key, n);
    for (const [key, n] of tally.rules) bump(this.rules, key, n);
    for (const [key, n] of tally.versions) bump(this.versions, key, n);
  }

  /** Stores the counts (into empty tables). */
  write(db: Database): void {
    const mi = db.prepare<[string, string, number, string, string, number]>(
      'INSERT INTO mi_counts VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const [key, n] of this.mi) {
      const [courseId, status, overdueAt, orgUnitId, department] = key.split(SEP) as string[];
      mi.run(courseId as string, status as string, Number(overdueAt), orgUnitId as string, department as string, n);
    }
    const rules = db.prepare<[string, number, string, number, number]>(
      'INSERT INTO rule_counts VALUES (?, ?, ?, ?, ?)',
    );
    for (const [key, n] of this.rules) {
      const [ruleId, exempted, status, overdueAt] = key.split(SEP) as string[];
      rules.run(ruleId as string, Number(exempted), status as string, Number(overdueAt), n);
    }
    const versions = db.prepare<[string, number, number]>('INSERT INTO course_version_counts VALUES (?, ?, ?)');
    for (const [key, n] of this.versions) {
      const [courseId, version] = key.split(SEP) as string[];
      versions.run(courseId as string, Number(version), n);
    }
  }
}

function bump(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
