import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// R6 on the built CLI (npm test builds first): an exemption's end date in `lms exemptions`, its lapse by `lms tick`
// (the embedded store's cron), and the history line. The engine's clock is pinned with LMS_CLOCK_START.
const CLI = path.join(__dirname, '..', '..', 'dist', 'infra', 'cli', 'main.js');

function lms(data: string, args: string[], now: string) {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root', LMS_CLOCK_START: now },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const command = (type: string, data: unknown) => JSON.stringify({ type, actor: { userId: 'root' }, data });

describe('lms exemptions, tick and history: the exemption lifecycle (R6)', () => {
  test('R6, R9: `lms exemptions` shows the end date; `lms tick` on that day ends the exemption with the 28-day reset', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-exempt-'));
    const day1 = '2026-03-02T09:00:00.000Z';
    const setup = [
      command('DefineOrgUnit', { orgUnitId: 'acme', name: 'Acme' }),
      command('RegisterUser', {
        userId: 'ada',
        name: 'Ada Lovelace',
        email: 'ada@acme.test',
        orgUnitId: 'acme',
        hireDate: '2024-03-01',
      }),
      command('CreateCourse', {
        courseId: 'fire-safety',
        title: 'Fire Safety',
        kind: 'course',
        provider: 'Acme',
        trainingType: 'Compliance',
      }),
      command('CreateAssignmentRule', {
        ruleId: 'r-all',
        courseId: 'fire-safety',
        target: { kind: 'allUsers' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 28 },
      }),
      command('ExemptUser', { userId: 'ada', courseId: 'fire-safety', reason: 'on leave', until: '2026-04-01' }),
    ];
    for (const line of setup) expect(lms(data, ['command', line], day1)).toMatchObject({ status: 0 });

    const ticked = lms(data, ['exemptions', 'ada'], day1);
    expect(ticked.stdout).toMatch(
      /\[x\]\s+Fire Safety\s+Mandatory\s+r-all\s+on leave\s+root\s+2026-03-02\s+exempt until 2026-04-01/,
    );

    const lapseDay = '2026-04-01T09:00:00.000Z';
    expect(lms(data, ['tick'], lapseDay)).toMatchObject({ status: 0 });
    expect(lms(data, ['tick'], lapseDay).stdout).toMatch(/nothing due/);
    expect(lms(data, ['exemptions', 'ada'], lapseDay).stdout).toMatch(/\[ \]\s+Fire Safety\s+Mandatory/);
    const history = lms(data, ['history', 'ada'], lapseDay);
    expect(history.stdout).toMatch(/exempted from rule r-all: on leave; exempt until 2026-04-01/);
    expect(history.stdout).toMatch(/exemption from rule r-all ended on its end date, due 2026-04-29/);
  });
});
