import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';

/**
 * What the CSV import and export tests share: the built CLI in a child process (npm test builds first; run
 * `npm run build` before running one of these files alone), a fresh data folder, and readers for what the CLI leaves
 * behind (the event log's head, the CSV files it writes).
 */
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function lms(data: string, args: string[], input = ''): CliResult {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root' },
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh folder holding the data folder (`data`) and the CSV files of one test. */
export function workspace(): { dir: string; data: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-csv-'));
  return { dir, data: path.join(dir, 'data') };
}

export const command = (type: string, data: Record<string, unknown>, actor = 'root') =>
  JSON.stringify({ type, actor: { userId: actor }, data });

/** Runs commands as JSON lines and expects every one of them to succeed. */
export function seed(data: string, commands: string[]): void {
  const result = lms(data, ['command', '-'], commands.join('\n'));
  if (result.status !== 0) throw new Error(`seeding failed (${result.status}): ${result.stdout}${result.stderr}`);
}

/** The event log's head: the position of the last stored event (0 for an empty log). */
export function headPosition(data: string): number {
  const db = new Database(path.join(data, 'events.db'), { readonly: true });
  try {
    return db.prepare<[], { head: number | null }>('SELECT MAX(position) AS head FROM events').get()?.head ?? 0;
  } finally {
    db.close();
  }
}

/** How many command replies the log keeps for idempotency (R21). */
export function recordedCommands(data: string): number {
  const db = new Database(path.join(data, 'events.db'), { readonly: true });
  try {
    return db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM commands').get()?.count ?? 0;
  } finally {
    db.close();
  }
}

/** How many events of a type the log holds. */
export function eventCount(data: string, type: string): number {
  const db = new Database(path.join(data, 'events.db'), { readonly: true });
  try {
    return (
      db.prepare<[string], { count: number }>('SELECT COUNT(*) AS count FROM events WHERE type = ?').get(type)?.count ??
      0
    );
  } finally {
    db.close();
  }
}

/** A query's result as the bootstrap administrator sees it. */
export function query<T>(data: string, type: string, params: Record<string, unknown>): { ok: boolean; result: T } {
  const result = lms(data, ['query', JSON.stringify({ type, actor: { userId: 'root' }, params })]);
  return JSON.parse(result.stdout) as { ok: boolean; result: T };
}

/** CSV text read back by a CSV parser (RFC 4180), one object per record keyed by the header row. */
export function readCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** CSV text read back as arrays of fields, the header row first. */
export function readCsvRows(text: string): string[][] {
  return parse(text, { bom: true, skip_empty_lines: true }) as string[][];
}

/** The error file the import writes beside its input: `users.csv` → `users.errors.csv`. */
export function errorFileOf(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file, '.csv')}.errors.csv`);
}

/** A line of a per-row report that starts with the given file line number and matches the pattern. */
export function reportLine(line: number, pattern: string): RegExp {
  return new RegExp(`^\\s*${line}\\s+.*${pattern}`, 'im');
}
