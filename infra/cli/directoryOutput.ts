import type { CoursesResult } from '../../domain/queryResults/courseResults';
import type { GroupMembersResult, GroupsResult } from '../../domain/queryResults/groupResults';
import type { Engine } from '../engine/engine';
import { printQuery } from './queryOutput';
import { renderTable } from './table';

/** `lms groups`: every group with its kind, members and the rules (the actor may see) that target it. */
export function printGroups(engine: Engine, actorId: string, json: boolean): Promise<number> {
  return printQuery<GroupsResult>(engine, { type: 'Groups', actorId, params: {}, json }, (groups) =>
    renderTable(
      ['group', 'name', 'kind', 'members', 'in your scope', 'rules'],
      groups.map((group) => [
        group.groupId,
        group.name,
        group.kind,
        group.memberCount,
        group.membersInScope,
        group.rules.map((rule) => rule.name).join(', '),
      ]),
    ),
  );
}

/** `lms members GROUP_ID`: the group's members the actor may view, page by page. */
export function printMembers(
  engine: Engine,
  actorId: string,
  groupId: string,
  page: { limit: number; offset: number },
  json: boolean,
): Promise<number> {
  return printQuery<GroupMembersResult>(
    engine,
    { type: 'GroupMembers', actorId, params: { groupId, ...page }, json },
    (members) => {
      const outside = members.outsideScope > 0 ? ` (and ${members.outsideScope} outside your scope)` : '';
      const table = renderTable(
        ['user', 'name', 'email', 'org unit', 'department', 'role', ''],
        members.rows.map((row) => [
          row.userId,
          row.name,
          row.email,
          row.orgUnitId,
          row.department,
          row.role,
          row.active ? '' : 'inactive',
        ]),
      );
      return `${members.name} (${members.kind}): ${members.total} members${outside}\n${table}`;
    },
  );
}

/** `lms courses`: the catalogue the actor may see, with versions and how many users are on each. */
export function printCourses(engine: Engine, actorId: string, json: boolean): Promise<number> {
  return printQuery<CoursesResult>(engine, { type: 'Courses', actorId, params: {}, json }, (courses) =>
    renderTable(
      ['course', 'title', 'provider', 'type', 'latest', 'users by version', ''],
      courses.map((course) => [
        course.courseId,
        course.title,
        course.provider,
        course.trainingType,
        `v${course.latestVersion}`,
        course.versions.map((row) => `v${row.version}: ${row.users}`).join(', '),
        course.active ? '' : 'inactive',
      ]),
    ),
  );
}
