import fs from 'node:fs';
import { parse } from 'csv-parse';
import { UsageError } from '../usageError';

/** One data row of an import file: its line (where the record starts), its fields by column, or why it is unreadable. */
export interface CsvRow {
  line: number;
  /** Bytes of the file read up to the end of this row (progress). */
  bytes?: number;
  fields: Record<string, string>;
  /** Set when the record itself is broken (wrong number of fields, bad quoting): the row is refused as it is. */
  broken?: string;
}

export interface CsvFileShape {
  /** Every column the kind knows. */
  known: readonly string[];
  /** Columns the header must name. */
  required: readonly string[];
}

/**
 * Reads an import file as it streams (csv-parse, RFC 4180: quoted fields may hold commas, quotes and line breaks;
 * UTF-8 with or without a BOM), yielding chunks of `chunkSize` rows: the whole file is never in memory. The header row
 * is required; a column the kind does not know, a missing required column or a repeated one refuses the file (a
 * usage error) before any row is read. `onHeader` gets the columns in file order.
 */
export async function* csvChunks(
  file: string,
  shape: CsvFileShape,
  chunkSize: number,
  onHeader: (columns: string[]) => void,
): AsyncGenerator<CsvRow[]> {
  const parser = fs.createReadStream(file).pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  // A record the parser cannot read (an unclosed quote, say) is skipped and refused with its line, the rest go on.
  const skipped: CsvRow[] = [];
  // A quote never closed swallows the rest of the file into one record: said at the end, from where it opened.
  let unclosedAt: number | undefined;
  parser.on('skip', (error: Error & { lines?: number; code?: string }) => {
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') unclosedAt = error.lines ?? 0;
    else skipped.push({ line: error.lines ?? 0, fields: {}, broken: `unreadable CSV record: ${error.message}` });
  });
  /** The file's line where the last record read ended. */
  let endedAt = 0;
  let header: string[] | undefined;
  let chunk: CsvRow[] = [];
  // csv-parse counts a CRLF inside a quoted field as two lines: the surplus is taken off to give the file's lines.
  let surplus = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    const crlf = record.reduce((count, field) => count + (field.match(/\r\n/g)?.length ?? 0), 0);
    surplus += crlf;
    const breaks = record.reduce((count, field) => count + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
    const line = info.lines - surplus - breaks;
    endedAt = info.lines - surplus;
    if (!header) {
      header = checkHeader(record, shape);
      onHeader(header);
      continue;
    }
    const columns = header;
    const row: CsvRow =
      record.length === columns.length
        ? { line, bytes: info.bytes, fields: Object.fromEntries(columns.map((column, i) => [column, record[i] ?? ''])) }
        : {
            line,
            bytes: info.bytes,
            fields: Object.fromEntries(columns.map((column, i) => [column, record[i] ?? ''])),
            broken: `the row has ${record.length} fields and the header ${columns.length}`,
          };
    for (const unreadable of skipped.splice(0)) chunk.push(unreadable);
    chunk.push(row);
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (!header) throw new UsageError(`${file} is empty: it needs a header row (${shape.required.join(',')}, ...)`);
  for (const unreadable of skipped.splice(0)) chunk.push(unreadable);
  if (unclosedAt !== undefined) chunk.push(unclosedQuote(endedAt + 1, unclosedAt));
  if (chunk.length > 0) yield chunk;
}

function checkHeader(record: string[], shape: CsvFileShape): string[] {
  const columns = record.map((name) => name.trim());
  const unknown = columns.filter((name) => !shape.known.includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}: the columns are ${shape.known.join(', ')}`,
    );
  const missing = shape.required.filter((name) => !columns.includes(name));
  if (missing.length > 0)
    throw new UsageError(`the header needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const repeated = columns.filter((name, i) => columns.indexOf(name) !== i);
  if (repeated.length > 0) throw new UsageError(`the header names ${repeated.join(', ')} twice`);
  return columns;
}

/** The record after the last one read opened a quote that never closes: everything from there on is unread. */
function unclosedQuote(from: number, to: number): CsvRow {
  const lines = to > from ? `lines ${from} to ${to} were` : `line ${from} was`;
  return {
    line: from,
    fields: {},
    broken: `a quote opened in the record on line ${from} is never closed, so ${lines} not read: close it and import the file again (rows already stored are not stored twice)`,
  };
}
