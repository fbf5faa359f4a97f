import type { z } from 'zod';
import type { ExistingUser } from '../../../domain/referenceData/referenceData';
import { streams } from '../../../domain/streams';
import { RegisterUserSchema, UpdateUserProfileSchema } from '../../../domain/user/userCommands';
import { PROFILE_FIELDS, UserProfileSchema } from '../../../domain/user/userEvents';
import { canonicalJson, derivedCommandId } from './commandIds';
import type { CsvRow } from './csvSource';
import type { ImportKind, ImportSession, RowOutcome } from './importRows';
import { cells, issuesText, refused, replyError, storedNow } from './importRows';

// ---------------------------------------------------------------------------------------------------------------
// users: RegisterUser for a new user, UpdateUserProfile with the row's fields for a known one.

export const USER_COLUMNS = ['userId', ...PROFILE_FIELDS] as const;
/** The profile fields that may be left empty (null): an empty cell means "none". */
const OPTIONAL_USER_COLUMNS: ReadonlySet<string> = new Set(
  PROFILE_FIELDS.filter((field) => UserProfileSchema.shape[field].safeParse(null).success),
);

export class UsersImport implements ImportKind {
  readonly name = 'users';
  readonly shape = { known: USER_COLUMNS, required: ['userId', 'name', 'email', 'orgUnitId', 'hireDate'] };
  /** Rows whose manager is not registered yet: tried again once the rest of the file is in. */
  private waiting: CsvRow[] = [];
  /** Users this file registers (a dry run registers none, yet a later row may name them as manager). */
  private readonly registering = new Set<string>();

  keysOf(row: CsvRow): string[] {
    return [`user:${row.fields.userId?.trim() ?? ''}`, `email:${row.fields.email?.trim().toLowerCase() ?? ''}`];
  }

  /** The chunk's rows, then the rows held back earlier whose manager this chunk (or an earlier one) brought. */
  async decide(rows: CsvRow[], session: ImportSession): Promise<RowOutcome[]> {
    const outcomes = await this.decideAll(rows, session, false);
    for (;;) {
      const ready: CsvRow[] = [];
      const still: CsvRow[] = [];
      for (const row of this.waiting) (this.managerKnown(row, session) ? ready : still).push(row);
      if (ready.length === 0) return outcomes;
      this.waiting = still;
      for (const outcome of await this.decideAll(ready, session, false)) outcomes.push(outcome);
    }
  }

  /** The rows whose manager never came: sent as they are, and refused by the engine ("register the manager first"). */
  finish(session: ImportSession): Promise<RowOutcome[]> {
    return this.decideAll(this.waiting.splice(0), session, true);
  }

  private async decideAll(rows: CsvRow[], session: ImportSession, last: boolean): Promise<RowOutcome[]> {
    return (await Promise.all(rows.map((row) => this.decideRow(row, session, last)))).filter(
      (outcome): outcome is RowOutcome => outcome !== undefined,
    );
  }

  private managerKnown(row: CsvRow, session: ImportSession): boolean {
    const manager = row.fields.managerId?.trim() ?? '';
    return (
      session.engine.commands.referenceData.users.has(manager) || (session.dryRun && this.registering.has(manager))
    );
  }

  private async decideRow(row: CsvRow, session: ImportSession, last: boolean): Promise<RowOutcome | undefined> {
    if (row.broken) return refused(row, row.broken);
    const given = cells(row);
    const input: Record<string, string | null> = {};
    for (const column of Object.keys(row.fields)) {
      input[column] = given[column] ?? (OPTIONAL_USER_COLUMNS.has(column) ? null : '');
    }
    const parsed = RegisterUserSchema.safeParse(input);
    if (!parsed.success) return refused(row, issuesText(parsed.error));
    const profile = parsed.data;
    const users = session.engine.commands.referenceData.users;
    const manager = profile.managerId;
    if (manager && !last && !this.managerKnown(row, session)) {
      this.waiting.push(row);
      return undefined;
    }
    const existing = users.get(profile.userId);
    if (!existing) return this.register(row, profile, session);
    return this.update(row, input, existing, session);
  }

  private async register(
    row: CsvRow,
    profile: z.infer<typeof RegisterUserSchema>,
    session: ImportSession,
  ): Promise<RowOutcome> {
    const what = `registers ${profile.userId}`;
    if (session.dryRun && profile.managerId && this.registering.has(profile.managerId))
      return { row, status: 'stored', what: `${what} (manager ${profile.managerId} registered by this file)` };
    const data = { ...profile };
    const reply = await session.send(
      'RegisterUser',
      derivedCommandId('users', 'RegisterUser', canonicalJson(data)),
      data,
    );
    if (!reply.ok) return refused(row, replyError(reply));
    this.registering.add(profile.userId);
    return { row, status: session.dryRun || storedNow(reply, session) ? 'stored' : 'unchanged', what };
  }

  private async update(
    row: CsvRow,
    input: Record<string, string | null>,
    existing: ExistingUser,
    session: ImportSession,
  ): Promise<RowOutcome> {
    const { userId } = existing;
    const fields = PROFILE_FIELDS.filter((column) => column in input);
    const parsed = UpdateUserProfileSchema.safeParse(
      Object.fromEntries([['userId', userId], ...fields.map((field) => [field, input[field]])]),
    );
    if (!parsed.success) return refused(row, issuesText(parsed.error));
    const data = parsed.data as Record<string, unknown> & { userId: string };
    const changed = fields.filter((field) => data[field] !== (existing as Record<string, unknown>)[field]);
    if (changed.length === 0) return { row, status: 'unchanged', what: `unchanged: ${userId} already reads so` };
    // The user's revision is part of the id: the same change made again later (A → B → A → B) is a new command.
    const revision = await session.engine.store.streamRevision(streams.user(userId));
    const reply = await session.send(
      'UpdateUserProfile',
      derivedCommandId('users', 'UpdateUserProfile', canonicalJson(data), String(revision)),
      data,
    );
    if (!reply.ok) return refused(row, replyError(reply));
    return {
      row,
      status: session.dryRun || storedNow(reply, session) ? 'stored' : 'unchanged',
      what: `updates ${userId}'s ${changed.join(', ')}`,
    };
  }
}
