import type { ExistingCourse } from '../domain/course/courseDecider';
import type { UserScope } from '../domain/policies/adminViewPolicy';
import { COURSE_VIEWING, courseViewOf, requireAnyPermission } from '../domain/policies/adminViewPolicy';
import type { Actor } from '../domain/policies/permissionPolicy';
import type { QueryOf } from '../domain/queries';
import type { CoursesResult, CourseView } from '../domain/queryResults/courseResults';
import { ReadModelQueries } from './readModelQueries';

type VersionCount = { course_id: string; version: number; n: number };
type VersionRow = { user_id: string; course_id: string; version: number };

/** The visible assignments of active users (as MI and VersionStatus count them), read through the MI index. */
const COUNTED = 'a.course_id IN (SELECT value FROM json_each(@courses)) AND a.visible = 1 AND a.user_active = 1';

/**
 * Courses: the catalogue an actor may see (R17: within the training side of their grants) with each course's versions
 * and how many users are on which (R13), counted among the users those grants admit.
 */
export class CourseQueries extends ReadModelQueries {
  courses(actor: Actor, query: QueryOf<'Courses'>): CoursesResult {
    requireAnyPermission(actor, COURSE_VIEWING, 'courses');
    const seen = new Map<string, { course: ExistingCourse; users: UserScope }>();
    for (const course of this.referenceData.courses.values()) {
      if (!course.active && !query.params.includeInactive) continue;
      const view = courseViewOf(actor, this.referenceData, course);
      if (view.visible) seen.set(course.courseId, { course, users: view.users });
    }
    const counts = this.versionCounts(seen);
    return [...seen.values()]
      .map(({ course }) => courseView(course, counts.get(course.courseId) ?? new Map()))
      .sort((a, b) => a.title.localeCompare(b.title) || a.courseId.localeCompare(b.courseId));
  }

  /**
   * Per course, users per version: read from `course_version_counts` (the rows counted by triggers) where every user
   * counts, row by row against a scope otherwise.
   */
  private versionCounts(seen: ReadonlyMap<string, { users: UserScope }>): Map<string, Map<number, number>> {
    const counts = new Map<string, Map<number, number>>();
    const add = (courseId: string, version: number, n: number) => {
      let byVersion = counts.get(courseId);
      if (!byVersion) counts.set(courseId, (byVersion = new Map()));
      byVersion.set(version, (byVersion.get(version) ?? 0) + n);
    };
    const everyone = [...seen].filter(([, view]) => view.users.everyone).map(([courseId]) => courseId);
    const scoped = [...seen].filter(([, view]) => !view.users.everyone).map(([courseId]) => courseId);
    if (everyone.length > 0) {
      for (const row of this.statement<Record<string, unknown>, VersionCount>(
        'SELECT course_id, version, n FROM course_version_counts WHERE course_id IN (SELECT value FROM json_each(@courses))',
      ).all({ courses: JSON.stringify(everyone) }))
        add(row.course_id, row.version, row.n);
    }
    if (scoped.length > 0) {
      for (const row of this.statement<Record<string, unknown>, VersionRow>(
        `SELECT a.user_id, a.course_id, a.version FROM assignments a WHERE ${COUNTED}`,
      ).all({ courses: JSON.stringify(scoped) }))
        if (seen.get(row.course_id)?.users.admits(row.user_id)) add(row.course_id, row.version, 1);
    }
    return counts;
  }
}

function courseView(course: ExistingCourse, usersByVersion: ReadonlyMap<number, number>): CourseView {
  const versions = course.versions.map(({ version, publishedAt }) => ({
    version,
    publishedAt,
    users: usersByVersion.get(version) ?? 0,
  }));
  return {
    courseId: course.courseId,
    title: course.title,
    kind: course.kind,
    provider: course.provider,
    trainingType: course.trainingType,
    versioning: course.versioning,
    active: course.active,
    validityDays: course.validityDays,
    recertificationWindowDays: course.recertificationWindowDays ?? null,
    location: course.location,
    latestVersion: course.version,
    versions,
    assignedUsers: versions.reduce((sum, row) => sum + row.users, 0),
  };
}
