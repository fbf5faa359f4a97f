import { groupsOfUser } from '../domain/policies/groupMembershipPolicy';
import type { Actor } from '../domain/policies/permissionPolicy';
import type { TrainingView } from '../domain/policies/queryPermissions';
import { requireUserView, trainingViewOf } from '../domain/policies/queryPermissions';
import type { QueryOf } from '../domain/queries';
import type { ProfileAssignment, UserProfileResult } from '../domain/queryResults/userProfileResult';
import type { UserAssignmentRow } from '../domain/queryResults/userViewResults';
import { notFound } from '../domain/shared/domainError';
import type { Completion } from '../domain/userTraining/trainingState';
import type { QuerySources } from './readModelQueries';
import { ReadModelQueries } from './readModelQueries';
import type { UserViews } from './userViews';

/**
 * UserProfile: the individual-assignment seed's profile drawer, for the user themselves or an admin who may view
 * their assignments (as UserAssignments). R17: only courses within the training side of the actor's grants; a rule
 * created outside their scope is shown as "a rule outside your scope", without its id.
 */
export class UserProfileQuery extends ReadModelQueries {
  constructor(
    sources: QuerySources,
    private readonly users: UserViews,
  ) {
    super(sources);
  }

  profile(actor: Actor, query: QueryOf<'UserProfile'>, now: string): UserProfileResult {
    const { userId } = query.params;
    requireUserView(actor, userId, this.referenceData, { self: true });
    const { referenceData } = this;
    const user = referenceData.users.get(userId);
    if (!user) throw notFound(`user ${userId} is not registered: check the id`, { userId });
    const view = trainingViewOf(actor, userId, referenceData);
    const assignments = this.users
      .userRows(userId, now)
      .filter((row) => view.course(referenceData.courses.get(row.courseId)))
      .map((row) => this.assignmentOf(row, view));
    return {
      user: {
        userId,
        name: user.name,
        email: user.email,
        orgUnitId: user.orgUnitId,
        orgUnitName: referenceData.orgUnits.get(user.orgUnitId)?.name ?? user.orgUnitId,
        department: user.department,
        role: user.role,
        location: user.location,
        managerId: user.managerId,
        managerName: user.managerId === null ? null : (referenceData.users.get(user.managerId)?.name ?? user.managerId),
        hireDate: user.hireDate,
        timeZone: referenceData.timeZoneOf(userId),
        active: user.active,
      },
      groups: groupsOfUser(userId, referenceData)
        .map((group) => ({ groupId: group.groupId, name: group.name }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.groupId.localeCompare(b.groupId)),
      assignments,
      completionHistory: this.completionHistory(userId, view),
    };
  }

  private assignmentOf(row: UserAssignmentRow, view: TrainingView): ProfileAssignment {
    const course = this.referenceData.courses.get(row.courseId);
    return {
      courseId: row.courseId,
      title: row.title,
      required: row.required,
      status: row.status,
      progress: row.progress,
      version: row.version,
      dueDate: row.dueDate,
      overdue: row.overdue,
      assignedOn: row.assignedOn,
      startedOn: row.startedOn,
      completedOn: row.completedOn,
      score: row.score,
      expiresOn: row.expiresOn,
      sources: row.sources.map((source) =>
        source.ruleId !== null && !view.rule(course, this.referenceData.rules.get(source.ruleId)?.createdBy)
          ? { ...source, label: 'a rule outside your scope', ruleId: null }
          : source,
      ),
    };
  }

  /**
   * Every completion of the user's training, removed assignments' included (their history stays, R4): a current
   * assignment's from its row, a removed one's from its folded state (a rebuild stores no other states).
   */
  private completionHistory(userId: string, view: TrainingView): UserProfileResult['completionHistory'] {
    const held = this.statement<[string, string], { course_id: string; completions: string; current: number }>(
      `SELECT course_id, completions, 1 AS current FROM assignments WHERE user_id = ?
       UNION ALL
       SELECT course_id, json_extract(state, '$.completions'), 0 FROM training_state
        WHERE user_id = ? AND json_extract(state, '$.active') = 0`,
    ).all(userId, userId);
    return held
      .filter((row) => view.course(this.referenceData.courses.get(row.course_id)))
      .flatMap((row) => {
        const completions = JSON.parse(row.completions) as Completion[];
        const title = this.referenceData.courses.get(row.course_id)?.title ?? row.course_id;
        return completions.map((completion) => ({
          courseId: row.course_id,
          title,
          completedOn: completion.completedOn,
          score: completion.score,
          version: completion.version,
          currentlyAssigned: row.current === 1,
          revoked: completion.revoked !== undefined,
        }));
      })
      .sort((a, b) => b.completedOn.localeCompare(a.completedOn) || a.title.localeCompare(b.title));
  }
}
