import fs from 'node:fs';
import type { Engine } from '../engine/engine';
import type { RowOutcome } from './csvImport/importKinds';
import { IMPORT_COLUMNS, importKind } from './csvImport/importKinds';
import { importCsv } from './csvImport/importRun';
import { renderTable } from './table';
import { UsageError } from './usageError';

export const IMPORT_USAGE = `  import users|assignments|completions FILE.csv [--dry-run]
                                        import a CSV file (header row, UTF-8 with or without BOM, RFC 4180);
                                        refused rows go to FILE.errors.csv (their columns, line, error); a rerun
                                        stores nothing twice; --dry-run reports each row and stores nothing. Columns:
                                          users: ${IMPORT_COLUMNS.users.join(', ')}
                                            (a known userId: UpdateUserProfile with the row's fields)
                                          assignments: ${IMPORT_COLUMNS.assignments.join(', ')}
                                          completions: ${IMPORT_COLUMNS.completions.join(', ')}
                                            (a course the user does not hold is assigned first)`;

const DRY_RUN_STATUS = { stored: 'applies', unchanged: 'unchanged', refused: 'refused' } as const;

/** `lms import KIND FILE.csv [--dry-run]`: exit 0 when every row applied, 1 when a row was refused. */
export async function runImport(
  engine: Engine,
  actorId: string,
  rest: string[],
  values: { 'dry-run'?: boolean | undefined },
): Promise<number> {
  const [kindName, file] = rest;
  const usage = 'lms import users|assignments|completions FILE.csv [--dry-run]';
  if (!kindName || !file) throw new UsageError(`import needs a kind and a FILE.csv: ${usage}`);
  const kind = importKind(kindName);
  if (!kind) throw new UsageError(`cannot import "${kindName}": ${usage}`);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`cannot read ${file}: no such file`);
  if (!stat.isFile()) throw new UsageError(`cannot read ${file}: it is not a file`);
  const dryRun = values['dry-run'] === true;
  if (dryRun) console.log(`${'line'.padStart(7)}  ${'outcome'.padEnd(9)}  what`);
  const summary = await importCsv(engine, {
    kind,
    file,
    actorId,
    dryRun,
    progress: true,
    onOutcomes: dryRun ? printOutcomes : undefined,
  });
  const n = (count: number) => count.toLocaleString('en');
  console.log(
    renderTable(
      dryRun
        ? ['rows read', 'would be stored', 'unchanged', 'would be refused']
        : ['rows read', 'stored', 'unchanged', 'refused'],
      [[n(summary.read), n(summary.stored), n(summary.unchanged), n(summary.refused)]],
    ),
  );
  if (summary.errorsFile) console.log(`refused rows, with their line and error: ${summary.errorsFile}`);
  if (dryRun) console.log('dry run: nothing was stored');
  return summary.refused > 0 ? 1 : 0;
}

function printOutcomes(outcomes: RowOutcome[]): void {
  for (const outcome of outcomes)
    console.log(
      `${String(outcome.row.line).padStart(7)}  ${DRY_RUN_STATUS[outcome.status].padEnd(9)}  ${outcome.what.replace(/\s+/g, ' ')}`,
    );
}
