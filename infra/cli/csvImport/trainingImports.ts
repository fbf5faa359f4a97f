import { z } from 'zod';
import { refuseFutureCompletion } from '../../../domain/policies/completionDatePolicy';
import { todayIn } from '../../../domain/shared/calendar';
import { DomainError } from '../../../domain/shared/domainError';
import { DateInputSchema, IdSchema } from '../../../domain/shared/primitives';
import { AssignCourseSchema, CompleteCourseSchema } from '../../../domain/userTraining/trainingCommands';
import type { CommandReply, PairOutcome } from '../../../handlers/ports/reply';
import { canonicalJson, derivedCommandId } from './commandIds';
import type { CsvRow } from './csvSource';
import type { ImportKind, ImportSession, RowOutcome } from './importRows';
import { cells, issuesText, refused, replyError, storedNow, titleOf } from './importRows';

// ---------------------------------------------------------------------------------------------------------------
// assignments: AssignCourse, rows sharing course, due date and required flag in one bulk command (R16).

const BooleanCellSchema = z
  .string()
  .transform((text, context) => {
    const value = { true: true, yes: true, '1': true, false: false, no: false, '0': false }[text.toLowerCase()];
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: 'true or false (yes/no, 1/0)' });
      return z.NEVER;
    }
    return value;
  })
  .optional();

const AssignmentRowSchema = z
  .object({
    userId: IdSchema,
    courseId: IdSchema,
    dueDate: DateInputSchema.optional(),
    required: BooleanCellSchema,
  })
  .strict();
type AssignmentRow = z.infer<typeof AssignmentRowSchema>;

/** A reply's pairs: all of them, read with CommandOutcome when the reply lists only the first ones (R27). */
async function allPairs(reply: CommandReply, session: ImportSession): Promise<PairOutcome[]> {
  if (!reply.ok) return [];
  const listed = reply.results ?? [];
  if (session.dryRun || (reply.resultsTotal ?? listed.length) <= listed.length) return listed;
  const pairs: PairOutcome[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await session.engine.query({
      type: 'CommandOutcome',
      actor: { userId: session.actorId },
      params: { commandId: reply.commandId, limit: 1000, offset },
    });
    if (!page.ok) return listed;
    const result = page.result as { results: PairOutcome[]; total: number };
    for (const pair of result.results) pairs.push(pair);
    if (result.results.length === 0 || pairs.length >= result.total) return pairs;
  }
}

function pairWhat(pair: PairOutcome, title: string): string {
  switch (pair.outcome) {
    case 'assigned':
    case 'reassigned':
      return `assigns ${title} to ${pair.userId}`;
    case 'sourceAdded':
      return `adds Individual to ${pair.userId}'s ${title}`;
    default:
      return pair.message;
  }
}

export class AssignmentsImport implements ImportKind {
  readonly name = 'assignments';
  readonly shape = { known: ['userId', 'courseId', 'dueDate', 'required'], required: ['userId', 'courseId'] };

  keysOf(): string[] {
    return [];
  }

  async decide(rows: CsvRow[], session: ImportSession): Promise<RowOutcome[]> {
    const outcomes: RowOutcome[] = [];
    type Group = { rows: { row: CsvRow; data: AssignmentRow }[]; lines: Map<string, number> };
    const groups = new Map<string, Group>();
    for (const row of rows) {
      if (row.broken) {
        outcomes.push(refused(row, row.broken));
        continue;
      }
      const parsed = AssignmentRowSchema.safeParse(cells(row));
      if (!parsed.success) {
        outcomes.push(refused(row, issuesText(parsed.error)));
        continue;
      }
      const data = parsed.data;
      const key = `${data.courseId}\u0000${data.dueDate ?? ''}\u0000${data.required ?? ''}`;
      const group: Group = groups.get(key) ?? { rows: [], lines: new Map() };
      // The same pair on the same terms twice: one assignment, so the repeat is counted unchanged, not stored again.
      const earlier = group.lines.get(data.userId);
      if (earlier !== undefined) {
        outcomes.push({ row, status: 'unchanged', what: `unchanged: the same as line ${earlier}` });
        continue;
      }
      group.lines.set(data.userId, row.line);
      group.rows.push({ row, data });
      groups.set(key, group);
    }
    const decided = await Promise.all(
      [...groups.values()].map((group) =>
        session.dryRun ? this.preview(group.rows, session) : this.assign(group.rows, session),
      ),
    );
    return [...outcomes, ...decided.flat()];
  }

  /** One AssignCourse for the group: the users of its rows × its one course. */
  private async assign(rows: { row: CsvRow; data: AssignmentRow }[], session: ImportSession): Promise<RowOutcome[]> {
    const first = rows[0]?.data as AssignmentRow;
    const data = {
      userIds: [...new Set(rows.map(({ data: row }) => row.userId))],
      courseIds: [first.courseId],
      ...(first.dueDate === undefined ? {} : { dueDate: first.dueDate }),
      ...(first.required === undefined ? {} : { required: first.required }),
    };
    const checked = AssignCourseSchema.safeParse(data);
    if (!checked.success) return rows.map(({ row }) => refused(row, issuesText(checked.error)));
    const reply = await session.send(
      'AssignCourse',
      derivedCommandId('assignments', 'AssignCourse', canonicalJson(data)),
      data,
    );
    if (!reply.ok) return rows.map(({ row }) => refused(row, replyError(reply)));
    const replayed = reply.position <= session.headAtStart;
    const pairs = new Map((await allPairs(reply, session)).map((pair) => [pair.userId, pair]));
    const title = titleOf(session, first.courseId);
    return rows.map(({ row, data: { userId } }) => {
      const pair = pairs.get(userId);
      if (pair?.outcome === 'failed') return refused(row, `${pair.code ?? 'REFUSED'}: ${pair.message}`);
      if (!pair || replayed || pair.outcome === 'unchanged')
        return { row, status: 'unchanged', what: pair && !replayed ? pair.message : `unchanged: imported before` };
      return { row, status: 'stored', what: pairWhat(pair, title) };
    });
  }

  /** A dry run previews each row's pair on its own, so every row gets its own answer. */
  private async preview(rows: { row: CsvRow; data: AssignmentRow }[], session: ImportSession): Promise<RowOutcome[]> {
    return Promise.all(
      rows.map(async ({ row, data: fields }) => {
        const data = {
          userIds: [fields.userId],
          courseIds: [fields.courseId],
          ...(fields.dueDate === undefined ? {} : { dueDate: fields.dueDate }),
          ...(fields.required === undefined ? {} : { required: fields.required }),
        };
        const reply = await session.send('AssignCourse', derivedCommandId('preview', canonicalJson(data)), data);
        if (!reply.ok) return refused(row, replyError(reply));
        const pair = reply.results?.[0];
        if (!pair) return { row, status: 'stored', what: reply.message };
        if (pair.outcome === 'failed') return refused(row, `${pair.code ?? 'REFUSED'}: ${pair.message}`);
        if (pair.outcome === 'unchanged') return { row, status: 'unchanged', what: pair.message };
        return { row, status: 'stored', what: pairWhat(pair, titleOf(session, fields.courseId)) };
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// completions: CompleteCourse with the date and score, after an individual AssignCourse when the user holds none.

const CompletionRowSchema = CompleteCourseSchema.extend({ completedOn: DateInputSchema });

export class CompletionsImport implements ImportKind {
  readonly name = 'completions';
  readonly shape = {
    known: ['userId', 'courseId', 'completedOn', 'score'],
    required: ['userId', 'courseId', 'completedOn'],
  };

  keysOf(row: CsvRow): string[] {
    return [`${row.fields.userId?.trim() ?? ''}\u0000${row.fields.courseId?.trim() ?? ''}`];
  }

  decide(rows: CsvRow[], session: ImportSession): Promise<RowOutcome[]> {
    return Promise.all(rows.map((row) => this.decideRow(row, session)));
  }

  private async decideRow(row: CsvRow, session: ImportSession): Promise<RowOutcome> {
    if (row.broken) return refused(row, row.broken);
    const { score, ...rest } = cells(row);
    const parsed = CompletionRowSchema.safeParse({ ...rest, ...(score === undefined ? {} : { score: Number(score) }) });
    if (!parsed.success) return refused(row, issuesText(parsed.error));
    const data = parsed.data;
    const title = titleOf(session, data.courseId);
    const completes = `completes ${title} on ${data.completedOn}${data.score === undefined ? '' : ` with score ${data.score}`}`;
    const completeId = derivedCommandId('completions', 'CompleteCourse', canonicalJson(data));
    // Decided against the present first (stores nothing, R25): does the user hold the course?
    const preview = await session.engine.commands.handle({
      commandId: derivedCommandId('preview', completeId),
      type: 'CompleteCourse',
      actor: { userId: session.actorId },
      data,
      dryRun: true,
    });
    const unassigned =
      !preview.ok &&
      preview.error.code === 'NOT_FOUND' &&
      preview.error.details.userId === data.userId &&
      preview.error.details.courseId === data.courseId;
    let assigns = false;
    if (unassigned) {
      // Nothing of a row is stored unless all of it can be: the completion's date is judged before the assignment it
      // needs (the engine refuses a completion in the future only once the course is held).
      const { referenceData, clock } = session.engine.commands;
      const timeZone = referenceData.timeZoneOf(data.userId);
      try {
        refuseFutureCompletion(data.completedOn, {
          userId: data.userId,
          today: todayIn(clock.now(), timeZone),
          timeZone,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return refused(row, `${error.code}: ${error.message}`);
      }
      const assignment = { userIds: [data.userId], courseIds: [data.courseId] };
      const reply = await session.send(
        'AssignCourse',
        derivedCommandId('completions', 'AssignCourse', canonicalJson(data)),
        assignment,
      );
      const pair = reply.ok ? reply.results?.[0] : undefined;
      if (!reply.ok) return refused(row, replyError(reply));
      if (pair?.outcome === 'failed') return refused(row, `${pair.code ?? 'REFUSED'}: ${pair.message}`);
      assigns = true;
      if (session.dryRun) return { row, status: 'stored', what: `assigns ${title} and ${completes}` };
    } else if (session.dryRun) {
      if (preview.ok) return { row, status: 'stored', what: completes };
      const before = await session.engine.store.findCommand(completeId);
      if (before) return { row, status: 'unchanged', what: 'unchanged: imported before' };
      return refused(row, replyError(preview));
    }
    const reply = await session.send('CompleteCourse', completeId, data);
    if (!reply.ok) return refused(row, replyError(reply));
    if (!storedNow(reply, session)) return { row, status: 'unchanged', what: 'unchanged: imported before' };
    return { row, status: 'stored', what: assigns ? `assigns ${title} and ${completes}` : completes };
  }
}
