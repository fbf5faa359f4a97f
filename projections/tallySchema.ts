/**
 * Tallies the admin views read instead of counting a million rows on every call (issue #18's web level: a page under
 * 200 ms at 100,000 users), kept like `mi_counts` by SQLite triggers in the transaction that changes the rows:
 *
 * - `rule_counts`: every rule source held (an `exemptions` row) of an active user's assignment, counted per rule,
 *   exempt or not, status and overdue moment (AssignmentRules, AssignmentSummary);
 * - `course_version_counts`: the rows in MI (visible, active user) counted per course and version (Courses).
 *
 * The triggers of `rule_counts` sit on both tables of the pair, so any order of writes keeps the counts equal to
 * joining the rows: an exemption row counts with its assignment's status as it is when the row comes or goes, and an
 * assignment's change moves the counts of the exemption rows present. Updates that change nothing counted fire no
 * statement (WHEN). A rebuild drops the triggers and counts as it writes (bulkCounts.ts).
 */

/** overdue_at in the counts for a row without a due date (a key column cannot be null): before any real instant. */
export const NO_DUE_DATE = Number.MIN_SAFE_INTEGER;

export const TALLY_TABLES = `
CREATE TABLE IF NOT EXISTS rule_counts (
  rule_id TEXT NOT NULL,
  exempted INTEGER NOT NULL,
  status TEXT NOT NULL,
  overdue_at INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (rule_id, exempted, status, overdue_at)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS course_version_counts (
  course_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (course_id, version)
) WITHOUT ROWID;
`;

// One pair (exemption row, assignment row of an active user) counted in or out, seen from either side.
const PAIR_FROM_EXEMPTION = {
  add: (e: 'NEW' | 'OLD') =>
    `INSERT INTO rule_counts SELECT ${e}.rule_id, ${e}.exempted, a.status, IFNULL(a.overdue_at, ${NO_DUE_DATE}), 1 FROM assignments a
       WHERE a.user_id = ${e}.user_id AND a.course_id = ${e}.course_id AND a.user_active = 1 ON CONFLICT DO UPDATE SET n = n + 1;`,
  remove: (e: 'NEW' | 'OLD') => {
    const key = `rule_id = ${e}.rule_id AND exempted = ${e}.exempted AND (status, overdue_at) IN (SELECT a.status, IFNULL(a.overdue_at, ${NO_DUE_DATE}) FROM assignments a
       WHERE a.user_id = ${e}.user_id AND a.course_id = ${e}.course_id AND a.user_active = 1)`;
    return `UPDATE rule_counts SET n = n - 1 WHERE ${key}; DELETE FROM rule_counts WHERE n = 0 AND ${key};`;
  },
};
const PAIR_FROM_ASSIGNMENT = {
  add: (a: 'NEW' | 'OLD') =>
    `INSERT INTO rule_counts SELECT e.rule_id, e.exempted, ${a}.status, IFNULL(${a}.overdue_at, ${NO_DUE_DATE}), 1 FROM exemptions e
       WHERE e.user_id = ${a}.user_id AND e.course_id = ${a}.course_id AND ${a}.user_active = 1 ON CONFLICT DO UPDATE SET n = n + 1;`,
  remove: (a: 'NEW' | 'OLD') => {
    const key = `${a}.user_active = 1 AND status = ${a}.status AND overdue_at = IFNULL(${a}.overdue_at, ${NO_DUE_DATE})
       AND (rule_id, exempted) IN (SELECT e.rule_id, e.exempted FROM exemptions e WHERE e.user_id = ${a}.user_id AND e.course_id = ${a}.course_id)`;
    return `UPDATE rule_counts SET n = n - 1 WHERE ${key}; DELETE FROM rule_counts WHERE n = 0 AND ${key};`;
  },
};

// A row in MI (visible, active user) counted in or out of its course and version.
const IN_MI = (row: 'NEW' | 'OLD') => `${row}.visible = 1 AND ${row}.user_active = 1`;
const VERSION = {
  add: (row: 'NEW' | 'OLD') =>
    `INSERT INTO course_version_counts SELECT ${row}.course_id, ${row}.version, 1 WHERE ${IN_MI(row)} ON CONFLICT DO UPDATE SET n = n + 1;`,
  remove: (row: 'NEW' | 'OLD') => {
    const key = `${IN_MI(row)} AND course_id = ${row}.course_id AND version = ${row}.version`;
    return `UPDATE course_version_counts SET n = n - 1 WHERE ${key}; DELETE FROM course_version_counts WHERE n = 0 AND ${key};`;
  },
};

/** What an update of an assignment row must change to move a count (the upsert rewrites every column). */
const RULE_COUNTED_CHANGE =
  'OLD.user_id IS NOT NEW.user_id OR OLD.course_id IS NOT NEW.course_id OR OLD.status IS NOT NEW.status OR OLD.overdue_at IS NOT NEW.overdue_at OR OLD.user_active IS NOT NEW.user_active';
const VERSION_COUNTED_CHANGE = `OLD.course_id IS NOT NEW.course_id OR OLD.version IS NOT NEW.version OR (${IN_MI('OLD')}) IS NOT (${IN_MI('NEW')})`;

/** A trigger and its name (the rebuild drops them by name). */
const trigger = (name: string, body: string) => ({ name, sql: `CREATE TRIGGER IF NOT EXISTS ${name} ${body};` });

export const TALLY_TRIGGERS: { name: string; sql: string }[] = [
  trigger('rule_counts_exemption_insert', `AFTER INSERT ON exemptions BEGIN ${PAIR_FROM_EXEMPTION.add('NEW')} END`),
  trigger('rule_counts_exemption_delete', `AFTER DELETE ON exemptions BEGIN ${PAIR_FROM_EXEMPTION.remove('OLD')} END`),
  trigger(
    'rule_counts_exemption_update',
    `AFTER UPDATE OF user_id, course_id, rule_id, exempted ON exemptions BEGIN ${PAIR_FROM_EXEMPTION.remove('OLD')} ${PAIR_FROM_EXEMPTION.add('NEW')} END`,
  ),
  trigger(
    'rule_counts_assignment_insert',
    `AFTER INSERT ON assignments WHEN NEW.user_active = 1 BEGIN ${PAIR_FROM_ASSIGNMENT.add('NEW')} END`,
  ),
  trigger(
    'rule_counts_assignment_delete',
    `AFTER DELETE ON assignments WHEN OLD.user_active = 1 BEGIN ${PAIR_FROM_ASSIGNMENT.remove('OLD')} END`,
  ),
  trigger(
    'rule_counts_assignment_update',
    `AFTER UPDATE ON assignments WHEN ${RULE_COUNTED_CHANGE} BEGIN ${PAIR_FROM_ASSIGNMENT.remove('OLD')} ${PAIR_FROM_ASSIGNMENT.add('NEW')} END`,
  ),
  trigger(
    'course_version_counts_insert',
    `AFTER INSERT ON assignments WHEN ${IN_MI('NEW')} BEGIN ${VERSION.add('NEW')} END`,
  ),
  trigger(
    'course_version_counts_delete',
    `AFTER DELETE ON assignments WHEN ${IN_MI('OLD')} BEGIN ${VERSION.remove('OLD')} END`,
  ),
  trigger(
    'course_version_counts_update',
    `AFTER UPDATE ON assignments WHEN ${VERSION_COUNTED_CHANGE} BEGIN ${VERSION.remove('OLD')} ${VERSION.add('NEW')} END`,
  ),
];

/** The tables and their triggers, part of the read models' schema. */
export const TALLY_SCHEMA = [TALLY_TABLES, ...TALLY_TRIGGERS.map((entry) => entry.sql)].join('\n');
