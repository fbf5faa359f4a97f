import type { Actor } from '../domain/policies/permissionPolicy';
import { reportingScopeOf } from '../domain/policies/queryPermissions';
import type { ReferenceData } from '../domain/referenceData/referenceData';

/**
 * The rows a reporter may see (R17, reportingScopeOf) as an SQL condition over `a.user_id` and `a.course_id` with its
 * parameters, or null when some grant admits every row. The ids travel as JSON parameters.
 */
export function reportingScope(
  actor: Actor,
  referenceData: ReferenceData,
): { sql: string; params: Record<string, string> } | null {
  const scopes = reportingScopeOf(actor, referenceData);
  if (scopes === null) return null;
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  scopes.forEach((scope, i) => {
    const parts: string[] = [];
    if (scope.userIds) {
      params[`scopeUsers${i}`] = JSON.stringify(scope.userIds);
      parts.push(`a.user_id IN (SELECT value FROM json_each(@scopeUsers${i}))`);
    }
    if (scope.courseIds) {
      params[`scopeCourses${i}`] = JSON.stringify(scope.courseIds);
      parts.push(`a.course_id IN (SELECT value FROM json_each(@scopeCourses${i}))`);
    }
    clauses.push(`(${parts.join(' AND ')})`);
  });
  return { sql: clauses.length === 0 ? '0' : `(${clauses.join(' OR ')})`, params };
}
