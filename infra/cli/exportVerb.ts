import { once } from 'node:events';
import fs from 'node:fs';
import { stringify } from 'csv-stringify';
import type { UserProfileResult } from '../../domain/queryResults/userProfileResult';
import type { Engine } from '../engine/engine';
import { CSV_OPTIONS } from './csvFormat';
import type { ReportFlags } from './reportOptions';
import { reportOptions } from './reportOptions';
import { reportCsvTable } from './reportOutput';
import { UsageError } from './usageError';

type Cell = string | number | boolean | null | undefined;

export const EXPORT_USAGE = `  export transcripts [--user ID] [--out FILE]
                                        each user's training as CSV: user, course, title, version, status, assigned,
                                        due, started, completed, score, sources (stdout, or FILE)
  export report [the filters of report] [--summary ...] [--out FILE]
                                        the MI report (or summary) as CSV, as report --format csv writes it`;

const TRANSCRIPT_COLUMNS = [
  'user',
  'course',
  'title',
  'version',
  'status',
  'assigned',
  'due',
  'started',
  'completed',
  'score',
  'sources',
];

/** `lms export transcripts|report`: CSV written with csv-stringify as it is produced, to stdout or `--out FILE`. */
export async function runExport(
  engine: Engine,
  actorId: string,
  rest: string[],
  values: ReportFlags & { user?: string | undefined; out?: string | undefined },
): Promise<number> {
  const [what] = rest;
  if (what === 'transcripts') return exportTranscripts(engine, actorId, values.user, values.out);
  if (what === 'report') {
    const options = reportOptions({ ...values, format: 'csv' });
    const table = await reportCsvTable(engine, actorId, options);
    if (!table.ok) {
      console.error(table.message);
      return 1;
    }
    await writeCsv(
      values.out,
      table.headers,
      (async function* () {
        yield* table.cells;
      })(),
    );
    return 0;
  }
  throw new UsageError('export needs what to export: lms export transcripts|report [--out FILE]');
}

async function exportTranscripts(
  engine: Engine,
  actorId: string,
  userId: string | undefined,
  out: string | undefined,
): Promise<number> {
  const profileOf = async (id: string) => {
    const reply = await engine.query({ type: 'UserProfile', actor: { userId: actorId }, params: { userId: id } });
    return reply;
  };
  if (userId !== undefined) {
    const reply = await profileOf(userId);
    if (!reply.ok) {
      console.error(`${reply.error.code}: ${reply.error.message}`);
      return 1;
    }
    await writeCsv(
      out,
      TRANSCRIPT_COLUMNS,
      (async function* () {
        yield* transcriptRows(reply.result as UserProfileResult);
      })(),
    );
    return 0;
  }
  await engine.commands.feed.catchUp();
  const userIds = [...engine.commands.referenceData.users.keys()].sort();
  await writeCsv(
    out,
    TRANSCRIPT_COLUMNS,
    (async function* () {
      for (const id of userIds) {
        const reply = await profileOf(id);
        // Users outside the actor's scope (R17) are left out of a whole-portal export.
        if (reply.ok) yield* transcriptRows(reply.result as UserProfileResult);
      }
    })(),
  );
  return 0;
}

function transcriptRows(profile: UserProfileResult): Cell[][] {
  return profile.assignments.map((assignment) => [
    profile.user.userId,
    assignment.courseId,
    assignment.title,
    assignment.version,
    assignment.status,
    assignment.assignedOn,
    assignment.dueDate,
    assignment.startedOn,
    assignment.completedOn,
    assignment.score,
    assignment.sources.map((source) => source.label).join('; '),
  ]);
}

/** Streams records through csv-stringify to the file or stdout, waiting when the output is full. */
async function writeCsv(out: string | undefined, headers: string[], rows: AsyncIterable<Cell[]>): Promise<void> {
  const stringifier = stringify({ ...CSV_OPTIONS, header: true, columns: headers });
  const target = out === undefined ? process.stdout : fs.createWriteStream(out);
  stringifier.pipe(target, { end: out !== undefined });
  const finished = out === undefined ? once(stringifier, 'end') : once(target, 'finish');
  for await (const row of rows) {
    if (!stringifier.write(row)) await once(stringifier, 'drain');
  }
  stringifier.end();
  await finished;
}
