import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRuleOverEveryone } from './adminCommands';
import { benchEngine } from './benchEngine';
import { round, timed } from './measure';
import type { GeneratedPortal } from './portalGenerator';
import { generatePortal } from './portalGenerator';
import { dynamicRuleWorkload } from './workloads/dynamicRuleWorkload';
import { webWorkload } from './workloads/webWorkload';

/**
 * `node --max-semi-space-size=64 dist/bench/webBench.js [--users N] [--rules N] [--data DIR]`: the web workload
 * alone (DESIGN.md section 6, "server time per page under 200 ms at 100,000 users") on the bench's portal: generated
 * as `npm run bench` generates it (100,000 users, the dynamic rule over everyone and 9 more: 1,000,000 assignments),
 * without the other workloads. With `--data DIR` the portal is kept there and reused by the next run (a new read
 * model version is rebuilt from its events at open).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '100000' },
      rules: { type: 'string', default: '9' },
      data: { type: 'string' },
    },
  });
  const users = Number(values.users);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dir = values.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lms-web-bench-'));
  const portalFile = path.join(dir, 'portal.json');
  const built = benchEngine(dir);
  try {
    let portal: GeneratedPortal;
    if (fs.existsSync(portalFile)) {
      portal = JSON.parse(fs.readFileSync(portalFile, 'utf8')) as GeneratedPortal;
      const caughtUp = await timed(() => built.projections.catchUp());
      log(`web bench: reusing ${dir} (read models caught up in ${round(caughtUp.ms / 1000, 1)} s)`);
    } else {
      log(`web bench: generating ${users.toLocaleString('en')} users in ${dir}`);
      portal = await generatePortal(built.store, { users, courses: users >= 10_000 ? 200 : 20, seed: 42 });
      await built.reactor.runUntilIdle();
      await built.projections.catchUp();
      // The first rule as `npm run bench` applies it, with its own figures (stored, visible in MI).
      const rule = await dynamicRuleWorkload(built.commands, built.reactor, built.projections, built.queries, portal);
      log(`  ${rule.workload}: ${JSON.stringify(rule.figures)}`);
      for (let r = 1; r <= Number(values.rules); r++) {
        await createRuleOverEveryone(built.commands, `r-extra-${r}`, portal.courseIds[r + 1] as string, 30 + r);
        await built.reactor.runUntilIdle();
        log(`  rule ${r}/${values.rules} applied`);
      }
      await built.projections.catchUp();
      if (values.data !== undefined) fs.writeFileSync(portalFile, JSON.stringify(portal));
    }
    const result = await webWorkload(built, portal, false);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await built.close();
    if (values.data === undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`web bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
