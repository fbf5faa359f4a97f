/**
 * DESIGN.md section 5: imports point inward only (infra → handlers, projections → domain), enforced by lint. Each rule
 * of eslint.config.js is shown refusing a deliberately wrong import, and letting the right ones through.
 */
import path from 'node:path';
import { ESLint } from 'eslint';

// The project's own configuration, handed in: ESLint's loader imports it dynamically, which jest's VM cannot.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../../eslint.config.js') as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..'), overrideConfigFile: true, overrideConfig: config });

async function importProblems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath: file });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layers: imports point inward only, and lint refuses the wrong ones', () => {
  test.each([
    ['domain/userTraining/example.ts', "import { x } from '../../handlers/commandHandler';", /never the reverse/],
    ['domain/example.ts', "import { x } from '../projections/queryHandler';", /never the reverse/],
    ['domain/policies/example.ts', "import { x } from '../../infra/config';", /never the reverse/],
    ['domain/example.ts', "import x from 'node:fs';", /domain\/ is pure: no I\/O/],
    ['handlers/example.ts', "import { x } from '../projections/queryHandler';", /handlers\/ do not import projections/],
    ['handlers/planners/example.ts', "import { x } from '../../infra/eventstore/sqliteEventStore';", /own the ports/],
    ['projections/example.ts', "import { x } from '../handlers/commandHandler';", /handlers\/ports\/ only/],
    ['projections/example.ts', "import { x } from '../infra/openEventStore';", /infra\/ implements them/],
    ['infra/cli/example.ts', "import { x } from '../../test/support/engineHarness';", /the tests or the bench/],
  ])('%s may not %s', async (file, source, message) => {
    const problems = await importProblems(file, source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test.each([
    ['projections/example.ts', "import type { x } from '../handlers/ports/eventStore';"],
    ['projections/example.ts', "import { x } from '../domain/events';"],
    ['handlers/example.ts', "import { x } from '../domain/reactions/reactionPolicy';"],
    ['infra/engine/example.ts', "import { x } from '../../handlers/commandHandler';"],
    ['infra/engine/example.ts', "import { x } from '../../projections/queryHandler';"],
    ['bench/example.ts', "import { x } from '../test/support/natsServer';"],
  ])('%s may %s', async (file, source) => {
    expect(await importProblems(file, source)).toEqual([]);
  });
});
