import type { Statement } from 'better-sqlite3';
import type { DomainEvent } from '../domain/events';
import { overdueFrom } from '../domain/policies/overduePolicy';
import { defaultPreferences } from '../domain/portal/portalDecider';
import type { Assignment } from '../domain/userTraining/trainingState';
import type { BulkCounts } from './bulkCounts';
import type { ReadModelDb } from './readModelDb';
import { READ_MODEL_NAMES } from './readModelSchema';
import { sourcesColumn } from './sourcesColumn';
import { assignmentRow, exemptionRows, sameExemptionRows } from './trainingRows';

const flag = (value: boolean) => (value ? 1 : 0);

/** A user's facts that MI reporting reads from each assignment row (and the zone its overdue moment needs). */
export type UserFacts = {
  active: number;
  name: string;
  org_unit_id: string;
  department: string | null;
  time_zone: string | null;
};

/** Facts for a user the reference data has not seen: rows stay out of MI (inactive) until the user is registered. */
const UNKNOWN_USER: UserFacts = { active: 0, name: '', org_unit_id: '', department: null, time_zone: null };

/**
 * Writes read-model rows from events, over statements prepared once: a folded assignment to its rows, a reference
 * data event to the reference tables. Shared by the live projector (batch by batch) and the rebuild from zero (stream by
 * stream), so both write the same rows the same way.
 */
export class ReadModelWriter {
  private readonly s: ReturnType<typeof prepare>;
  private portalZone: string | undefined;

  /**
   * @param bulk a rebuild from zero: counts are tallied here as rows are written (the count triggers are dropped), and
   * stored at the end.
   * @param currentStates false: a rebuild from zero that stores the folded states of removed assignments only (their
   * completions have no row elsewhere); the caller lists the users it left out (`markUnfolded`).
   */
  constructor(
    readModels: ReadModelDb,
    private readonly bulk?: BulkCounts,
    readonly currentStates = true,
  ) {
    this.s = prepare(readModels);
  }

  /** Forgets what was read from the tables (another writer may have changed them since). */
  forgetPortalZone(): void {
    this.portalZone = undefined;
  }

  userFacts(userId: string): UserFacts {
    return this.s.userFacts.get(userId) ?? UNKNOWN_USER;
  }

  loadAssignment(userId: string, courseId: string): Assignment | null {
    const row = this.s.loadAssignment.get(userId, courseId);
    return row ? (JSON.parse(row.state) as Assignment) : null;
  }

  /** Stores a folded assignment (the projector's state for the next event of this user and course). */
  saveState(userId: string, courseId: string, assignment: Assignment): void {
    this.s.saveAssignment.run(userId, courseId, JSON.stringify(assignment));
  }

  /** Lists a user whose current assignments' states were left out: the projector folds their stream first. */
  markUnfolded(userId: string): void {
    this.s.markUnfolded.run(userId);
  }

  /** Every read model's checkpoint, written in the caller's transaction with the rows it covers. */
  writeCheckpoints(position: number): void {
    for (const name of READ_MODEL_NAMES) this.s.checkpoint.run(name, position);
  }

  /**
   * Saves the folded assignment and rewrites its rows (the same rows a full rewrite gives). Rows exist only for an
   * active assignment (exemption rows only for its rule sources), so what was there before says what to delete: a
   * rebuild, which only creates, writes each row once.
   */
  writeAssignment(
    userId: string,
    courseId: string,
    before: Assignment | null,
    assignment: Assignment | null,
    user: UserFacts,
  ): void {
    const s = this.s;
    if (assignment && (this.currentStates || !assignment.active)) this.saveState(userId, courseId, assignment);
    // Exemption rows exist only for an active assignment's rule sources (none for an inactive one). Most events
    // (progress, a start, a completion) leave them as they were: their rows, and the counts their triggers keep, stay
    // untouched; the assignment row's own update moves the counts of the pairs.
    const exemptionsBefore = before ? exemptionRows(userId, before) : [];
    const exemptions = assignment ? exemptionRows(userId, assignment) : [];
    const rewriteExemptions = !sameExemptionRows(exemptionsBefore, exemptions);
    if (before?.active && !assignment?.active) s.deleteAssignment.run(userId, courseId);
    if (rewriteExemptions && exemptionsBefore.length > 0) s.deleteExemptionsOf.run(userId, courseId);
    if (!assignment?.active) return;
    const row = assignmentRow(userId, assignment);
    const overdueAt = this.overdueAt(row.dueDate, user.time_zone);
    s.upsertAssignment.run(
      row.userId,
      row.courseId,
      flag(row.visible),
      flag(row.required),
      row.status,
      row.progress,
      row.version,
      row.dueDate,
      row.assignedOn,
      row.startedOn,
      row.completedOn,
      row.score,
      sourcesColumn(row.sources),
      JSON.stringify(row.completions),
      row.expiresOn,
      row.retake ? JSON.stringify(row.retake) : null,
      user.active,
      user.org_unit_id,
      user.department,
      overdueAt,
    );
    for (const exemption of rewriteExemptions ? exemptions : []) {
      s.insertExemption.run(
        exemption.userId,
        exemption.courseId,
        exemption.ruleId,
        flag(exemption.exempted),
        exemption.reason,
        exemption.appliedBy,
        exemption.appliedAt,
        exemption.until,
        user.name,
        user.active,
      );
    }
    this.bulk?.add({
      courseId,
      status: row.status,
      version: row.version,
      visible: row.visible,
      overdueAt,
      userActive: user.active,
      orgUnitId: user.org_unit_id,
      department: user.department,
      ruleSources: exemptions.map((exemption) => ({ ruleId: exemption.ruleId, exempted: exemption.exempted })),
    });
  }

  /** When a row becomes overdue: the end of its due date in the user's zone, or the portal's (R5). */
  private overdueAt(dueDate: string | null, userZone: string | null): number | null {
    if (dueDate === null) return null;
    this.portalZone ??= this.s.portalZone.get()?.time_zone ?? defaultPreferences.timeZone;
    return overdueFrom(dueDate, userZone ?? this.portalZone);
  }

  /** Copies a user's facts into their assignment rows (MI reads them there), recomputing overdue_at for their zone. */
  private refreshUserRows(userId: string): void {
    const s = this.s;
    const user = s.userFacts.get(userId);
    if (!user) return;
    s.userRowsFacts.run(user.active, user.org_unit_id, user.department, userId);
    s.userExemptionsFacts.run(user.name, user.active, userId);
    for (const row of s.dueDatesOf.all(userId))
      s.setOverdueAt.run(this.overdueAt(row.due_date, user.time_zone), userId, row.course_id);
  }

  /** Applies an event of the reference data (portal, org units, users, courses); other events change nothing here. */
  applyReferenceEvent(event: DomainEvent): void {
    const s = this.s;
    switch (event.type) {
      case 'AssignmentPreferencesSet': {
        const before = s.portalZone.get()?.time_zone ?? defaultPreferences.timeZone;
        s.upsertPortal.run(event.data.timeZone, event.data.dueDatePolicy);
        this.portalZone = event.data.timeZone;
        // Users without a zone of their own follow the portal's.
        if (before !== event.data.timeZone)
          for (const row of s.dueDatesInPortalZone.all())
            s.setOverdueAt.run(this.overdueAt(row.due_date, null), row.user_id, row.course_id);
        return;
      }
      case 'OrgUnitDefined':
        s.upsertOrgUnit.run(event.data.orgUnitId, event.data.name, event.data.parentId);
        return;
      case 'UserRegistered': {
        const u = event.data;
        s.upsertUser.run(
          u.userId,
          u.name,
          u.email,
          u.orgUnitId,
          u.department,
          u.role,
          u.location,
          u.managerId,
          u.hireDate,
          u.timeZone,
          1,
        );
        return;
      }
      case 'UserProfileUpdated': {
        const p = event.data.profile;
        s.updateProfile.run(
          p.name,
          p.email,
          p.orgUnitId,
          p.department,
          p.role,
          p.location,
          p.managerId,
          p.hireDate,
          p.timeZone,
          event.data.userId,
        );
        this.refreshUserRows(event.data.userId);
        return;
      }
      case 'UserDeactivated':
        s.deactivateUser.run(event.data.userId);
        this.refreshUserRows(event.data.userId);
        return;
      case 'CourseCreated': {
        const c = event.data;
        s.insertCourse.run(c.courseId, c.title, c.kind, c.provider, c.trainingType, c.versioning, c.version);
        return;
      }
      case 'CourseVersionUpgraded':
        s.upgradeCourse.run(event.data.version, event.data.courseId);
        return;
      case 'CourseDeactivated':
      case 'CourseActivated':
        s.courseActive.run(flag(event.type === 'CourseActivated'), event.data.courseId);
        return;
      default:
        return;
    }
  }
}

function prepare(readModels: ReadModelDb) {
  const db = readModels.db;
  const run = <P extends unknown[]>(sql: string): Statement<P> => db.prepare<P>(sql);
  return {
    checkpoint: run<[string, number]>(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    ),
    loadAssignment: db.prepare<[string, string], { state: string }>(
      'SELECT state FROM training_state WHERE user_id = ? AND course_id = ?',
    ),
    saveAssignment: run<[string, string, string]>(
      'INSERT INTO training_state (user_id, course_id, state) VALUES (?, ?, ?) ON CONFLICT (user_id, course_id) DO UPDATE SET state = excluded.state',
    ),
    markUnfolded: run<[string]>('INSERT INTO unfolded_users (user_id) VALUES (?)'),
    deleteAssignment: run<[string, string]>('DELETE FROM assignments WHERE user_id = ? AND course_id = ?'),
    upsertAssignment: run<unknown[]>(
      // An upsert, not INSERT OR REPLACE: a replace deletes without firing the MI count triggers.
      `INSERT INTO assignments (user_id, course_id, visible, required, status, progress, version, due_date, assigned_on, started_on, completed_on, score, sources, completions, expires_on, retake, user_active, org_unit_id, department, overdue_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, course_id) DO UPDATE SET visible = excluded.visible, required = excluded.required, status = excluded.status, progress = excluded.progress,
         version = excluded.version, due_date = excluded.due_date, assigned_on = excluded.assigned_on, started_on = excluded.started_on, completed_on = excluded.completed_on,
         score = excluded.score, sources = excluded.sources, completions = excluded.completions, expires_on = excluded.expires_on, retake = excluded.retake, user_active = excluded.user_active, org_unit_id = excluded.org_unit_id,
         department = excluded.department, overdue_at = excluded.overdue_at`,
    ),
    userFacts: db.prepare<[string], UserFacts>(
      'SELECT active, name, org_unit_id, department, time_zone FROM users WHERE user_id = ?',
    ),
    userRowsFacts: run<[number, string, string | null, string]>(
      'UPDATE assignments SET user_active = ?, org_unit_id = ?, department = ? WHERE user_id = ?',
    ),
    userExemptionsFacts: run<[string, number, string]>(
      'UPDATE exemptions SET user_name = ?, user_active = ? WHERE user_id = ?',
    ),
    dueDatesOf: db.prepare<[string], { course_id: string; due_date: string | null }>(
      'SELECT course_id, due_date FROM assignments WHERE user_id = ?',
    ),
    dueDatesInPortalZone: db.prepare<[], { user_id: string; course_id: string; due_date: string | null }>(
      'SELECT a.user_id, a.course_id, a.due_date FROM assignments a JOIN users u ON u.user_id = a.user_id WHERE u.time_zone IS NULL AND a.due_date IS NOT NULL',
    ),
    setOverdueAt: run<[number | null, string, string]>(
      'UPDATE assignments SET overdue_at = ? WHERE user_id = ? AND course_id = ?',
    ),
    portalZone: db.prepare<[], { time_zone: string }>('SELECT time_zone FROM portal WHERE id = 1'),
    deleteExemptionsOf: run<[string, string]>('DELETE FROM exemptions WHERE user_id = ? AND course_id = ?'),
    insertExemption: run<unknown[]>(
      'INSERT INTO exemptions (user_id, course_id, rule_id, exempted, reason, applied_by, applied_at, exempt_until, user_name, user_active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    upsertPortal: run<[string, string]>(
      'INSERT INTO portal (id, time_zone, due_date_policy) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, due_date_policy = excluded.due_date_policy',
    ),
    upsertOrgUnit: run<[string, string, string | null]>(
      'INSERT INTO org_units (org_unit_id, name, parent_id) VALUES (?, ?, ?) ON CONFLICT (org_unit_id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id',
    ),
    upsertUser: run<unknown[]>(
      'INSERT INTO users (user_id, name, email, org_unit_id, department, role, location, manager_id, hire_date, time_zone, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING',
    ),
    updateProfile: run<unknown[]>(
      'UPDATE users SET name = ?, email = ?, org_unit_id = ?, department = ?, role = ?, location = ?, manager_id = ?, hire_date = ?, time_zone = ? WHERE user_id = ?',
    ),
    deactivateUser: run<[string]>('UPDATE users SET active = 0 WHERE user_id = ?'),
    insertCourse: run<unknown[]>(
      'INSERT INTO courses (course_id, title, kind, provider, training_type, versioning, latest_version, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (course_id) DO NOTHING',
    ),
    upgradeCourse: run<[number, string]>('UPDATE courses SET latest_version = ? WHERE course_id = ?'),
    courseActive: run<[number, string]>('UPDATE courses SET active = ? WHERE course_id = ?'),
  };
}
