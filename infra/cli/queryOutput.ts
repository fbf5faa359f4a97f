import type { Engine } from '../engine/engine';

/**
 * Runs one query for a CLI view: a refusal prints `CODE: message` (exit 1); `--json` prints the result as it is;
 * otherwise `table` renders it (exit 0).
 */
export async function printQuery<T>(
  engine: Engine,
  query: { type: string; actorId: string; params: Record<string, unknown>; json: boolean },
  table: (result: T) => string,
): Promise<number> {
  const reply = await engine.query({ type: query.type, actor: { userId: query.actorId }, params: query.params });
  if (!reply.ok) {
    console.error(`${reply.error.code}: ${reply.error.message}`);
    return 1;
  }
  console.log(query.json ? JSON.stringify(reply.result, null, 2) : table(reply.result as T));
  return 0;
}
