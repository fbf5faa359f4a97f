import fs from 'node:fs';
import { decodeUtf8, parseStrictJson } from '../json/strictJson';
import { UsageError } from './usageError';

export type InputItem = { ok: true; value: unknown; line: number } | { ok: false; line: number; message: string };

/** The most `lms command` and `lms query` read from a file or standard input: a file past it is refused unread. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

/**
 * Reads commands or queries given as an argument, a file (-f FILE) or standard input ("-"): one JSON value,
 * a JSON array, or JSON lines (one value per line; blank lines skipped). Each is strict JSON in UTF-8 without
 * duplicate keys (R28); a line that is not is refused on its own.
 */
export function readJsonInput(source: { inline?: string | undefined; file?: string | undefined }): InputItem[] {
  const bytes = source.inline === undefined ? readBounded(source.file) : Buffer.from(source.inline, 'utf8');
  const whole = decodeUtf8(bytes);
  if (whole.ok && whole.text.trim() === '')
    return [{ ok: false, line: 1, message: 'no input: give a JSON command, -f FILE, or JSON on standard input' }];
  if (whole.ok) {
    const parsed = parseStrictJson(whole.text.trim());
    if (parsed.ok)
      return Array.isArray(parsed.value)
        ? parsed.value.map((value, i) => ({ ok: true, value, line: i + 1 }))
        : [{ ok: true, value: parsed.value, line: 1 }];
  }
  // Not one JSON value: JSON lines. A newline byte never occurs inside a UTF-8 sequence, so lines split as bytes.
  const items: InputItem[] = [];
  let start = 0;
  for (let index = 0; start <= bytes.length; index++) {
    const end = bytes.indexOf(0x0a, start);
    const lineBytes = bytes.subarray(start, end === -1 ? bytes.length : end);
    start = end === -1 ? bytes.length + 1 : end + 1;
    const item = lineItem(lineBytes, index + 1);
    if (item) items.push(item);
  }
  return items;
}

function lineItem(bytes: Uint8Array, line: number): InputItem | undefined {
  const text = decodeUtf8(bytes);
  if (!text.ok) return { ok: false, line, message: `line ${line} ${text.message}` };
  const trimmed = text.text.trim();
  if (trimmed === '') return undefined;
  const parsed = parseStrictJson(trimmed);
  return parsed.ok
    ? { ok: true, value: parsed.value, line }
    : { ok: false, line, message: `line ${line} ${parsed.message}` };
}

/** A regular file, a pipe or standard input, read up to the bound: a folder, a missing file or /dev/zero is a usage error. */
function readBounded(file: string | undefined): Buffer {
  const name = file === undefined || file === '-' ? 'standard input' : file;
  let fd: number;
  try {
    fd = file === undefined || file === '-' ? 0 : fs.openSync(file, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${name}: ${describe(error)}`);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new UsageError(`cannot read ${name}: it is a folder, not a file`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1024 * 1024);
      const read = readChunk(fd, chunk, name);
      if (read === 0) return Buffer.concat(chunks, total);
      total += read;
      if (total > MAX_INPUT_BYTES)
        throw new UsageError(
          `${name} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB: split it into smaller files`,
        );
      chunks.push(chunk.subarray(0, read));
    }
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}

function readChunk(fd: number, chunk: Buffer, name: string): number {
  for (;;) {
    try {
      return fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      // Standard input that is a non-blocking pipe says "try again" until data comes.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EOF') return 0;
      throw new UsageError(`cannot read ${name}: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}
