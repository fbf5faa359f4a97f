import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../handlers/ports/clock';
import { loadConfig } from '../../config';
import { buildEngine } from '../../engine/buildEngine';
import { createLogger } from '../../logger';
import { auditChapter } from './auditChapter';
import { correctionsChapter } from './correctionsChapter';
import { ADMIN, DemoScript } from './demoScript';
import { dynamicReassignmentChapter } from './dynamicReassignmentChapter';
import { exemptionsChapter } from './exemptionsChapter';
import { groupAssignmentChapter } from './groupAssignmentChapter';
import { permissionsChapter } from './permissionsChapter';

/**
 * Plays the three seeds' stories end to end on a fresh data folder, printing what an admin sees at each step:
 * dynamic reassignment with version upgrades (2016–2017), individual and group assignment, exemption and
 * reinstatement, and a permission refusal.
 */
export async function runDemo(options: { dataDir?: string | undefined }): Promise<number> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lms-demo-'));
  if (fs.existsSync(path.join(dataDir, 'events.db'))) {
    console.error(`lms demo: ${dataDir} already holds an event store; the demo needs an empty data folder`);
    return 2;
  }
  const config = loadConfig({}, { LMS_DATA: dataDir, LMS_BOOTSTRAP_ADMIN: ADMIN });
  const clock = new ManualClock('2016-01-11T09:00:00.000Z');
  const engine = buildEngine({ config, logger: createLogger('warn'), clock });
  const script = new DemoScript(engine, clock);
  try {
    console.log(`Training-assignment engine demo. Data folder: ${dataDir} (SQLite event store, replayable)\n`);
    // The chapters share one portal and one clock: each builds on the state the previous ones left.
    for (const chapter of [
      dynamicReassignmentChapter,
      groupAssignmentChapter,
      exemptionsChapter,
      permissionsChapter,
      auditChapter,
      correctionsChapter,
    ]) {
      await chapter(script);
    }
    console.log(`\nDone: ${await engine.store.headPosition()} events stored in ${path.join(dataDir, 'events.db')}.`);
    console.log(`Try: node dist/infra/cli/main.js --data ${dataDir} explain pat compliance --actor ${ADMIN}`);
    return script.unexpected === 0 ? 0 : 1;
  } finally {
    await engine.close();
  }
}
