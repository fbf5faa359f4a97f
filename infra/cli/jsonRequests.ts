import { newCommandId } from '../commandIds';
import type { Engine } from '../engine/engine';
import { readJsonInput } from './jsonInput';

/** `lms command` and `lms query`: each JSON item in turn, one reply per line; 1 when any was refused. */

export async function runCommands(
  engine: Engine,
  source: { inline?: string | undefined; file?: string | undefined },
): Promise<number> {
  let failed = 0;
  for (const item of readJsonInput(source)) {
    if (!item.ok) {
      failed++;
      console.log(
        JSON.stringify({
          ok: false,
          commandId: null,
          error: { code: 'VALIDATION_FAILED', message: item.message, details: { line: item.line } },
        }),
      );
      continue;
    }
    const value = item.value;
    const command =
      value !== null && typeof value === 'object' && !Array.isArray(value) && !('commandId' in value)
        ? { commandId: newCommandId(), ...value }
        : value;
    // Each command's reactions are stored before the next command is decided, as in the demo and the tests.
    const reply = await engine.send(command);
    // A bulk command answers ok with its pairs; any refused pair makes the run a failure too (exit 1).
    if (!reply.ok || reply.results?.some((pair) => pair.outcome === 'failed')) failed++;
    console.log(JSON.stringify(reply));
  }
  return failed === 0 ? 0 : 1;
}

export async function runQueries(
  engine: Engine,
  source: { inline?: string | undefined; file?: string | undefined },
): Promise<number> {
  let failed = 0;
  for (const item of readJsonInput(source)) {
    const reply = item.ok
      ? await engine.query(item.value)
      : { ok: false, error: { code: 'VALIDATION_FAILED', message: item.message, details: { line: item.line } } };
    if (!reply.ok) failed++;
    console.log(JSON.stringify(reply));
  }
  return failed === 0 ? 0 : 1;
}
