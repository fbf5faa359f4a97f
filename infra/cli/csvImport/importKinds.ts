import type { ImportKind } from './importRows';
import { AssignmentsImport, CompletionsImport } from './trainingImports';
import { USER_COLUMNS, UsersImport } from './usersImport';

export type { ImportKind, ImportSession, RowOutcome } from './importRows';

/** The import kinds of `lms import`, by name. */
export function importKind(name: string): ImportKind | undefined {
  switch (name) {
    case 'users':
      return new UsersImport();
    case 'assignments':
      return new AssignmentsImport();
    case 'completions':
      return new CompletionsImport();
    default:
      return undefined;
  }
}

/** The columns of each kind, for `lms help` and the README. */
export const IMPORT_COLUMNS = {
  users: USER_COLUMNS,
  assignments: ['userId', 'courseId', 'dueDate', 'required'],
  completions: ['userId', 'courseId', 'completedOn', 'score'],
} as const;
