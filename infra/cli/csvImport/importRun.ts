import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify';
import type { CommandReply } from '../../../handlers/ports/reply';
import type { Engine } from '../../engine/engine';
import { CSV_OPTIONS_VERBATIM } from '../csvFormat';
import { ProgressBar } from '../progressBar';
import type { CsvRow } from './csvSource';
import { csvChunks } from './csvSource';
import type { ImportKind, ImportSession, RowOutcome } from './importKinds';

export interface ImportOptions {
  kind: ImportKind;
  file: string;
  actorId: string;
  dryRun: boolean;
  /** Commands in flight at once: enough for the store's group commit to share its fsyncs. */
  concurrency?: number;
  /** Rows read and decided together. */
  chunkSize?: number;
  /** Each chunk's outcomes, in line order (the dry run's per-row report). */
  onOutcomes?: (outcomes: RowOutcome[]) => void;
  /** A progress bar on stderr. */
  progress?: boolean;
}

export interface ImportSummary {
  read: number;
  stored: number;
  unchanged: number;
  refused: number;
  /** The error file written beside the input, when a row was refused (not on a dry run). */
  errorsFile: string | undefined;
  seconds: number;
}

/** `users.csv` → `users.errors.csv`, beside it. */
export function errorsFileFor(file: string): string {
  const extension = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, extension)}.errors.csv`);
}

/**
 * Imports a CSV file through the engine's commands: rows stream in chunks, each chunk is decided with many commands
 * in flight (the embedded store's group commit batches their fsyncs), refused rows go to `FILE.errors.csv` (their
 * columns, `line` and `error`) and the rest go on. The command ids are derived from the rows, so a rerun stores
 * nothing twice (R21). A dry run sends every command with `dryRun: true` (R25): nothing is stored and no file written.
 */
export async function importCsv(engine: Engine, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { kind, file, dryRun } = options;
  await engine.commands.feed.catchUp();
  const pool = new Pool(options.concurrency ?? 128);
  const session: ImportSession = {
    engine,
    actorId: options.actorId,
    dryRun,
    headAtStart: await engine.store.headPosition(),
    send: (type, commandId, data) =>
      pool.run(() =>
        engine.commands.handle({
          commandId,
          type,
          actor: { userId: options.actorId },
          data,
          ...(dryRun ? { dryRun: true } : {}),
        }),
      ),
  };
  const errorsFile = errorsFileFor(file);
  if (!dryRun) fs.rmSync(errorsFile, { force: true });
  const errors = new ErrorFile(errorsFile);
  const summary: ImportSummary = { read: 0, stored: 0, unchanged: 0, refused: 0, errorsFile: undefined, seconds: 0 };
  const size = fs.statSync(file).size;
  const bar = options.progress ? new ProgressBar(`import ${kind.name}`, 'bytes') : undefined;
  let columns: string[] = [];
  const record = async (outcomes: RowOutcome[]) => {
    outcomes.sort((a, b) => a.row.line - b.row.line);
    for (const outcome of outcomes) {
      summary[outcome.status]++;
      if (outcome.status === 'refused' && !dryRun) await errors.write(columns, outcome);
    }
    options.onOutcomes?.(outcomes);
  };
  for await (const chunk of csvChunks(file, kind.shape, options.chunkSize ?? 1000, (header) => {
    columns = header;
  })) {
    summary.read += chunk.length;
    for (const part of splitOnRepeats(chunk, kind)) await record(await kind.decide(part, session));
    bar?.update(Math.min(size, chunk.at(-1)?.bytes ?? size), size, Date.now() - started, summary.read);
  }
  if (kind.finish) await record(await kind.finish(session));
  await errors.close();
  if (!dryRun && summary.stored > 0) await engine.settle();
  summary.errorsFile = errors.used ? errorsFile : undefined;
  summary.seconds = (Date.now() - started) / 1000;
  if (bar)
    process.stderr.write(
      `import ${kind.name}: ${summary.read.toLocaleString('en')} rows in ${summary.seconds.toFixed(1)} s (${Math.round(summary.read / Math.max(summary.seconds, 0.001)).toLocaleString('en')} rows/s)\n`,
    );
  return summary;
}

/** Splits a chunk where a row repeats a key of an earlier row (the same user twice): those are decided in turn. */
function splitOnRepeats(chunk: CsvRow[], kind: ImportKind): CsvRow[][] {
  const parts: CsvRow[][] = [];
  let part: CsvRow[] = [];
  let keys = new Set<string>();
  for (const row of chunk) {
    const rowKeys = kind.keysOf(row);
    if (rowKeys.some((key) => keys.has(key))) {
      parts.push(part);
      part = [];
      keys = new Set();
    }
    part.push(row);
    for (const key of rowKeys) keys.add(key);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** At most `size` commands in flight. */
class Pool {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run(task: () => Promise<CommandReply>): Promise<CommandReply> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** The refused rows, as CSV (csv-stringify): the file's columns as they were, then `line` and `error`. */
class ErrorFile {
  private stringifier: ReturnType<typeof stringify> | undefined;
  private done: Promise<unknown> | undefined;
  used = false;

  constructor(private readonly file: string) {}

  async write(columns: string[], outcome: RowOutcome): Promise<void> {
    if (!this.stringifier) {
      this.used = true;
      this.stringifier = stringify({ ...CSV_OPTIONS_VERBATIM, header: true, columns: [...columns, 'line', 'error'] });
      const out = fs.createWriteStream(this.file);
      this.done = once(out, 'finish');
      this.stringifier.pipe(out);
    }
    const row = [...columns.map((column) => outcome.row.fields[column] ?? ''), String(outcome.row.line), outcome.what];
    if (!this.stringifier.write(row)) await once(this.stringifier, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stringifier) return;
    this.stringifier.end();
    await this.done;
  }
}
