import type { z } from 'zod';
import type { CommandReply } from '../../../handlers/ports/reply';
import type { Engine } from '../../engine/engine';
import type { CsvFileShape, CsvRow } from './csvSource';

/** What became of one row: stored (or, previewed, would be), already so, or refused with why. */
export interface RowOutcome {
  row: CsvRow;
  status: 'stored' | 'unchanged' | 'refused';
  /** "registers ada", "updates ada's department", "assigns Fire Safety to ada", or the error. */
  what: string;
}

export interface ImportSession {
  engine: Engine;
  actorId: string;
  dryRun: boolean;
  /** The log's head when the import began: a reply at or below it is a replay of an earlier run (R21). */
  headAtStart: number;
  /** Sends one command through the import's bounded pool of commands in flight. */
  send(type: string, commandId: string, data: Record<string, unknown>): Promise<CommandReply>;
}

export interface ImportKind {
  readonly name: 'users' | 'assignments' | 'completions';
  readonly shape: CsvFileShape;
  /** Keys two rows of one chunk must not share to be decided together (one user, one email, one assignment). */
  keysOf(row: CsvRow): string[];
  decide(rows: CsvRow[], session: ImportSession): Promise<RowOutcome[]>;
  /** Rows held back until the rest of the file was applied (users whose manager comes later in the file). */
  finish?(session: ImportSession): Promise<RowOutcome[]>;
}

export const refused = (row: CsvRow, what: string): RowOutcome => ({ row, status: 'refused', what });

/** A zod failure as one line naming the columns: "email: a valid email address; hireDate: ...". */
export function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function replyError(reply: CommandReply): string {
  return reply.ok ? '' : `${reply.error.code}: ${reply.error.message}`;
}

/** Stored now, or a replay of an earlier run's reply (R21) or a command that changed nothing. */
export function storedNow(reply: CommandReply, session: ImportSession): boolean {
  return (
    reply.ok &&
    !session.dryRun &&
    (reply.eventsTotal ?? reply.events.length) > 0 &&
    reply.position > session.headAtStart
  );
}

/** Trimmed cells; empty ones absent. */
export function cells(row: CsvRow): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row.fields)
      .map(([column, value]) => [column, value.trim()] as const)
      .filter(([, value]) => value !== ''),
  );
}

export const titleOf = (session: ImportSession, courseId: string) =>
  session.engine.commands.referenceData.courses.get(courseId)?.title ?? courseId;
