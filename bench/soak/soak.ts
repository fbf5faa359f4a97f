/**
 * `npm run soak [-- --minutes 10 --users 200 --rate 100]`: the unattended soak of issue #13. `lms serve` runs on a data folder for the given
 * time under a generated load (request-reply and durable commands) mixed with poison (users an old HR feed stored
 * with a 9999-12-31 hire date, an integration event larger than NATS accepts), is SIGKILLed and restarted every
 * minute or so, while its clock runs a simulated day per real minute. At the end it checks, from outside: nothing
 * lost, nothing duplicated, nothing wedged, every poison item parked and listed; then fixes the poison's cause,
 * retries, and runs `lms verify`. It prints a summary (and --json one) and exits 1 when a check fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'nats';
import { createClient } from '../../infra/nats/client';
import { EngineProcess, runCli } from '../../test/support/engineProcess';
import { NatsServerProcess } from '../../test/support/natsServer';
import { seededRandom } from '../portalGenerator';
import { checkSoak } from './soakChecks';
import type { SentCommand } from './soakLoad';
import { sendOne, setUpPortal } from './soakLoad';
import { appendPoison } from './soakPoison';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      users: { type: 'string', default: '200' },
      // Commands a second the load aims at: a steady portal's traffic, not a flood the checks then take an hour on.
      rate: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  const nats = await NatsServerProcess.start();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-soak-'));
  const env = {
    NATS_URL: nats.url,
    LMS_LOG_LEVEL: 'info',
    // A simulated day per real minute, continuous across restarts.
    LMS_CLOCK_START: '2026-01-05T06:00:00.000Z',
    LMS_CLOCK_RATE: '1440',
    LMS_CLOCK_ORIGIN_MS: String(Date.now()),
  };
  log(`soak: ${minutes} min, data in ${data}`);
  let engine = EngineProcess.spawn(data, env);
  await engine.ready();
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1 });
  const client = createClient(nc, { timeoutMs: 3000 });
  const sent: SentCommand[] = [];
  const random = seededRandom(13);
  let restarts = 0;
  try {
    const userIds = await setUpPortal(client, Number(values.users));
    const poison = await appendPoison(path.join(data, 'events.db'));
    log(`  portal of ${userIds.length} users; poison: ${poison.users.length} users, 1 oversized event`);
    const deadline = Date.now() + minutes * 60_000;
    let nextKill = Date.now() + 45_000 + random() * 30_000;
    let counter = 0;
    const pauseMs = 1000 / Number(values.rate);
    const loadStart = Date.now();
    while (Date.now() < deadline) {
      sent.push(await sendOne(client, random, userIds, () => `n${counter++}`));
      const ahead = loadStart + sent.length * pauseMs - Date.now();
      if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
      if (Date.now() >= nextKill) {
        await engine.stop('SIGKILL');
        restarts++;
        await new Promise((resolve) => setTimeout(resolve, 500 + random() * 2000));
        engine = EngineProcess.spawn(data, env);
        await engine.ready();
        nextKill = Date.now() + 45_000 + random() * 30_000;
        log(`  SIGKILL ${restarts}, restarted; ${sent.length} commands sent`);
      }
    }
    log(`  load done: ${sent.length} commands, ${restarts} SIGKILLs; settling`);
    const report = await checkSoak({ client, nc, data, env, sent, poison, restarts, minutes });
    await engine.stop('SIGTERM');
    const verified = runCli(['verify', '--data', data], { ...env, LMS_BOOTSTRAP_ADMIN: 'root' });
    report.checks.push({
      check: 'lms verify after the fix and the retry',
      ok: verified.status === 0,
      detail: lastLine(verified.stdout),
    });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else
      for (const check of report.checks) console.log(`${check.ok ? 'OK  ' : 'FAIL'} ${check.check}: ${check.detail}`);
    process.exitCode = report.checks.every((check) => check.ok) ? 0 : 1;
  } finally {
    if (engine.running) await engine.stop('SIGKILL');
    await nc.close().catch(() => undefined);
    await nats.dispose();
  }
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

void main().catch((error: Error) => {
  console.error(`soak failed: ${error.message}`);
  process.exitCode = 1;
});
