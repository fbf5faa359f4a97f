import { NO_DUE_DATE, TALLY_SCHEMA, TALLY_TRIGGERS } from './tallySchema';

/**
 * The read models, one SQLite file (`readmodels.db`) beside the event store. Every table is derived from the
 * events alone; `checkpoints` holds, per read model, the position its rows reflect, written in the same
 * transaction as the rows.
 */
export const READ_MODEL_NAMES = ['referenceData', 'assignments'] as const;

/**
 * Bumped whenever a table or a row derivation changes: read models built by another version are dropped on open
 * and rebuilt from the events by the next catch-up.
 */
export const READ_MODEL_VERSION = 14;
export type ReadModelName = (typeof READ_MODEL_NAMES)[number];

export { NO_DUE_DATE };

/**
 * What an update of an assignment row must change to move its MI count: the upsert rewrites every column, and most
 * updates (progress, a start, a score) change none of these, so the trigger fires no statement for them.
 */
const MI_COUNTED_CHANGE =
  'OLD.course_id IS NOT NEW.course_id OR OLD.status IS NOT NEW.status OR OLD.overdue_at IS NOT NEW.overdue_at OR OLD.org_unit_id IS NOT NEW.org_unit_id OR OLD.department IS NOT NEW.department OR OLD.visible IS NOT NEW.visible OR OLD.user_active IS NOT NEW.user_active';

/** A row counts in MI when it is visible and its user active (the condition of the partial index assignments_mi). */
function countTrigger(name: string, on: 'INSERT' | 'DELETE' | 'UPDATE', rows: ('OLD' | 'NEW')[]): string {
  const key = (row: string) =>
    `course_id = ${row}.course_id AND status = ${row}.status AND overdue_at = IFNULL(${row}.overdue_at, ${NO_DUE_DATE}) AND org_unit_id = ${row}.org_unit_id AND department = IFNULL(${row}.department, '')`;
  const steps = rows.map((row) => {
    const counted = `${row}.visible = 1 AND ${row}.user_active = 1`;
    return row === 'NEW'
      ? `INSERT INTO mi_counts SELECT NEW.course_id, NEW.status, IFNULL(NEW.overdue_at, ${NO_DUE_DATE}), NEW.org_unit_id, IFNULL(NEW.department, ''), 1 WHERE ${counted} ON CONFLICT DO UPDATE SET n = n + 1;`
      : `UPDATE mi_counts SET n = n - 1 WHERE ${counted} AND ${key('OLD')}; DELETE FROM mi_counts WHERE ${counted} AND ${key('OLD')} AND n = 0;`;
  });
  const when = on === 'UPDATE' ? ` WHEN ${MI_COUNTED_CHANGE}` : '';
  return `CREATE TRIGGER IF NOT EXISTS ${name} AFTER ${on} ON assignments${when} BEGIN ${steps.join(' ')} END;`;
}

/** Every trigger that keeps counts (MI counts and the tallies): a rebuild drops them and counts as it writes. */
export const COUNT_TRIGGERS = [
  'mi_counts_insert',
  'mi_counts_delete',
  'mi_counts_update',
  ...TALLY_TRIGGERS.map((trigger) => trigger.name),
];

/** Indexes a rebuild builds once at the end instead of row by row. */
export const DEFERRED_INDEXES = [
  'assignments_mi',
  'exemptions_holders',
  'users_manager',
  'users_org_unit',
  'users_department',
];

export const READ_MODEL_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS portal (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  time_zone TEXT NOT NULL,
  due_date_policy TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS org_units (
  org_unit_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS org_units_parent ON org_units (parent_id);

CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  org_unit_id TEXT NOT NULL,
  department TEXT,
  role TEXT,
  location TEXT,
  manager_id TEXT,
  hire_date TEXT NOT NULL,
  time_zone TEXT,
  active INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS users_manager ON users (manager_id);
CREATE INDEX IF NOT EXISTS users_org_unit ON users (org_unit_id);
CREATE INDEX IF NOT EXISTS users_department ON users (department);

CREATE TABLE IF NOT EXISTS courses (
  course_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  provider TEXT NOT NULL,
  training_type TEXT NOT NULL,
  versioning TEXT NOT NULL,
  latest_version INTEGER NOT NULL,
  active INTEGER NOT NULL
) WITHOUT ROWID;

-- The folded assignment per user × course (domain evolve; every training event concerns one course), so a batch
-- never re-reads a stream and parses only the assignments it touches.
CREATE TABLE IF NOT EXISTS training_state (
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (user_id, course_id)
) WITHOUT ROWID;

-- Users whose current assignments' folded states a rebuild from zero left out of training_state (their rows are
-- written; the states were more than half the file and a fifth of the rebuild's time). The projector folds such a
-- user's training stream when an event first touches them, stores every state and takes them off this list.
CREATE TABLE IF NOT EXISTS unfolded_users (
  user_id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- One row per current assignment (user × course, R1). visible = 0 when every source is exempt (R6).
CREATE TABLE IF NOT EXISTS assignments (
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  visible INTEGER NOT NULL,
  required INTEGER NOT NULL,
  status TEXT NOT NULL,
  progress REAL NOT NULL,
  version INTEGER NOT NULL,
  due_date TEXT,
  assigned_on TEXT NOT NULL,
  started_on TEXT,
  completed_on TEXT,
  score REAL,
  sources TEXT NOT NULL,
  completions TEXT NOT NULL,
  -- When the completion lapses (R5), and the retake assigned before then (R24, JSON), if any.
  expires_on TEXT,
  retake TEXT,
  -- The user's facts MI reporting filters and groups by, copied from users (kept in step by the projector), so
  -- reports over a million rows read one narrow index and join nothing.
  user_active INTEGER NOT NULL,
  org_unit_id TEXT NOT NULL,
  department TEXT,
  -- Epoch ms from which the row is overdue: the end of the due date in the user's zone (R5); null without a due date.
  overdue_at INTEGER,
  PRIMARY KEY (user_id, course_id)
) WITHOUT ROWID;
-- MI reporting reads only rows in view (visible, active user), course by course, with every column its filters test
-- (and the user id of the key): MiReport of one course pages its rows in user order from here, filters and all, and
-- reads only the page's rows (a WITHOUT ROWID table has no deferred seek: a row read to filter is a seek).
CREATE INDEX IF NOT EXISTS assignments_mi ON assignments (course_id, user_id, status, overdue_at, org_unit_id, department, due_date, assigned_on) WHERE visible = 1 AND user_active = 1;

-- MI counts: the rows of assignments_mi counted per course, status, overdue moment, org unit and department (the
-- smallest safe integer, before any date, for no due date; '' for no department), kept by the triggers below in the transaction that changes the row. A summary
-- over a million assignments reads these few thousand counts instead of the rows.
CREATE TABLE IF NOT EXISTS mi_counts (
  course_id TEXT NOT NULL,
  status TEXT NOT NULL,
  overdue_at INTEGER NOT NULL,
  org_unit_id TEXT NOT NULL,
  department TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (course_id, status, overdue_at, org_unit_id, department)
) WITHOUT ROWID;
${countTrigger('mi_counts_insert', 'INSERT', ['NEW'])}
${countTrigger('mi_counts_delete', 'DELETE', ['OLD'])}
${countTrigger('mi_counts_update', 'UPDATE', ['OLD', 'NEW'])}

-- R7: every rule source of a current assignment, ticked when exempt (its label is the assignment row's: sources).
CREATE TABLE IF NOT EXISTS exemptions (
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  exempted INTEGER NOT NULL,
  reason TEXT,
  applied_by TEXT,
  applied_at TEXT,
  -- R6: the day the exemption ends, if it has an end date.
  exempt_until TEXT,
  -- The user's name and active flag, copied from users like the assignment rows' facts (kept in step by the
  -- projector), so a rule's holders page by name in an index.
  user_name TEXT NOT NULL,
  user_active INTEGER NOT NULL,
  PRIMARY KEY (user_id, course_id, rule_id)
) WITHOUT ROWID;
-- A rule's holders (AssignmentRules, AssignmentSummary): these rows are every rule source held, exempt or not; the
-- Assignment Summary lists them by name.
CREATE INDEX IF NOT EXISTS exemptions_holders ON exemptions (rule_id, user_active, user_name, user_id);
${TALLY_SCHEMA}`;

export const READ_MODEL_TABLES = [
  'checkpoints',
  'portal',
  'org_units',
  'users',
  'courses',
  'training_state',
  'unfolded_users',
  'assignments',
  'mi_counts',
  'exemptions',
  'rule_counts',
  'course_version_counts',
];

/** Tables compared by `verify`, each with the columns that order its rows. */
export const VERIFIED_TABLES: { table: string; key: string[] }[] = [
  { table: 'portal', key: ['id'] },
  { table: 'org_units', key: ['org_unit_id'] },
  { table: 'users', key: ['user_id'] },
  { table: 'courses', key: ['course_id'] },
  { table: 'training_state', key: ['user_id', 'course_id'] },
  { table: 'assignments', key: ['user_id', 'course_id'] },
  { table: 'mi_counts', key: ['course_id', 'status', 'overdue_at', 'org_unit_id', 'department'] },
  { table: 'exemptions', key: ['user_id', 'course_id', 'rule_id'] },
  { table: 'rule_counts', key: ['rule_id', 'exempted', 'status', 'overdue_at'] },
  { table: 'course_version_counts', key: ['course_id', 'version'] },
];
