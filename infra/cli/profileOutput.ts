import type { UserProfileResult } from '../../domain/queryResults/userProfileResult';
import type { Engine } from '../engine/engine';
import { statusText } from './labels';
import { printQuery } from './queryOutput';
import { renderTable } from './table';

/** `lms profile USER_ID`: the profile drawer: details, current training with sources, completion history. */
export function printProfile(engine: Engine, actorId: string, userId: string, json: boolean): Promise<number> {
  return printQuery<UserProfileResult>(
    engine,
    { type: 'UserProfile', actorId, params: { userId }, json },
    ({ user, groups, assignments, completionHistory }) => {
      const details = [
        `${user.name} (${user.userId})${user.active ? '' : ', deactivated'}`,
        `${user.email}; ${[user.role, user.department].filter(Boolean).join(', ') || 'no role or department'}`,
        `org unit ${user.orgUnitName}; manager ${user.managerName ?? 'none'}; hired ${user.hireDate}; time zone ${user.timeZone}`,
        `groups: ${groups.map((group) => group.name).join(', ') || 'none'}`,
      ].join('\n');
      const current =
        assignments.length === 0
          ? 'Nothing assigned.'
          : renderTable(
              ['course', 'source', 'status', 'progress', 'version', 'due', ''],
              assignments.map((row) => [
                row.title,
                row.sources
                  .map(
                    (source) =>
                      `${source.label}${source.exempt ? (source.exemptUntil ? ` (exempt until ${source.exemptUntil})` : ' (exempt)') : ''}`,
                  )
                  .join(', '),
                statusText(row.status),
                `${row.progress}%`,
                `v${row.version}`,
                row.dueDate ?? '—',
                row.overdue ? 'overdue' : '',
              ]),
            );
      const history =
        completionHistory.length === 0
          ? 'No completions.'
          : renderTable(
              ['completed', 'course', 'version', 'score', ''],
              completionHistory.map((row) => [
                row.completedOn,
                row.title,
                `v${row.version}`,
                row.score,
                [row.revoked ? 'revoked' : '', row.currentlyAssigned ? '' : 'no longer assigned']
                  .filter(Boolean)
                  .join(', '),
              ]),
            );
      return `${details}\n\nCurrent training:\n${current}\n\nCompletion history:\n${history}`;
    },
  );
}
