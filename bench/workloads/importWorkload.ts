import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN } from '../adminCommands';
import type { Result } from '../measure';
import { check, round } from '../measure';

const CLI = path.join(__dirname, '..', '..', 'infra', 'cli', 'main.js');
const ORG_UNITS = 50;

/**
 * Import (issue #17, DESIGN.md section 6): 100,000 users from CSV in under a minute. A generated HR list (10,000 rows
 * with --quick) is imported by `lms import users` itself, in a process of its own, on a fresh embedded data folder
 * whose org units were defined first; the time is the whole command's, from start to exit: reading the file,
 * deciding and storing every row (fsync on, group commit), and the read models caught up.
 */
export function importWorkload(quick: boolean, rows = quick ? 10_000 : 100_000): Result {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-import-'));
  try {
    const data = path.join(dir, 'data');
    const env = { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: ADMIN };
    const units = Array.from({ length: ORG_UNITS }, (_, i) =>
      JSON.stringify({
        type: 'DefineOrgUnit',
        actor: { userId: ADMIN },
        data: { orgUnitId: `ou-${i}`, name: `Unit ${i}`, ...(i === 0 ? {} : { parentId: 'ou-0' }) },
      }),
    );
    const setup = spawnSync(process.execPath, [CLI, '--data', data, 'command', '-'], {
      input: units.join('\n'),
      encoding: 'utf8',
      env,
    });
    check(setup.status === 0, `defining the org units failed: ${setup.stderr}${setup.stdout.slice(0, 500)}`);
    const file = path.join(dir, 'users.csv');
    writeUsersCsv(file, rows);
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [...process.execArgv, CLI, '--data', data, 'import', 'users', file], {
      encoding: 'utf8',
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    check(run.status === 0, `lms import users exited ${run.status}: ${run.stderr.slice(-500)}`);
    const stored = run.stdout.match(/^([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s*$/m);
    check(
      stored !== null && Number(stored[2]?.replace(/,/g, '')) === rows,
      `lms import users stored ${stored?.[2] ?? '?'} of ${rows} rows: ${run.stdout}`,
    );
    const perSecond = Math.round(rows / seconds);
    return {
      workload: 'CSV import of users (lms import users)',
      size: `${rows.toLocaleString('en')} rows, fresh data folder`,
      figures: { rowsPerS: perSecond, seconds: round(seconds, 1), peakRssMb: 'n/a (child)' },
      target: '100,000 users < 60 s (≥ 1,667 rows/s)',
      met: seconds * (100_000 / rows) < 60,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An HR list: every column of RegisterUser, written as it streams. */
function writeUsersCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'userId,name,email,orgUnitId,department,role,location,managerId,hireDate,timeZone\n');
    const departments = ['Engineering', 'Sales', 'Finance', 'Operations', 'People'];
    let batch = '';
    for (let i = 1; i <= rows; i++) {
      const id = `emp-${String(i).padStart(6, '0')}`;
      const manager = i > 100 ? `emp-${String(1 + (i % 100)).padStart(6, '0')}` : '';
      batch += `${id},"Employee ${i}, Imported",${id}@acme.test,ou-${i % ORG_UNITS},${departments[i % 5]},Staff,London,${manager},2024-0${1 + (i % 9)}-15,\n`;
      if (i % 5000 === 0) {
        fs.writeSync(fd, batch);
        batch = '';
      }
    }
    fs.writeSync(fd, batch);
  } finally {
    fs.closeSync(fd);
  }
}

// `node dist/bench/workloads/importWorkload.js [--quick | ROWS]`: this workload alone.
if (require.main === module) {
  const arg = process.argv[2];
  const result = arg === '--quick' ? importWorkload(true) : importWorkload(false, arg ? Number(arg) : undefined);
  console.log(JSON.stringify(result));
}
