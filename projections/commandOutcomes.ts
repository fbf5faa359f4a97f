import { canonicalCommandId } from '../domain/commands';
import type { Actor } from '../domain/policies/permissionPolicy';
import type { QueryOf } from '../domain/queries';
import type { CommandOutcomeView } from '../domain/queryResults/commandOutcomeResult';
import { notFound } from '../domain/shared/domainError';
import type { EventStore } from '../handlers/ports/eventStore';
import type { CommandReply, PairOutcome } from '../handlers/ports/reply';

/**
 * Only the sender reads a command's outcome (R17, R21), and the bootstrap administrator; to anyone else the id is
 * unknown, so asking tells them nothing about other people's commands.
 */
export async function commandOutcome(
  store: EventStore,
  actor: Actor,
  query: QueryOf<'CommandOutcome'>,
): Promise<CommandOutcomeView> {
  const commandId = canonicalCommandId(query.params.commandId);
  const record = await store.findCommand(commandId);
  if (!record || !(actor.isBootstrapAdmin || record.owner?.actorId === actor.userId))
    throw notFound(`no command ${commandId} sent by ${actor.userId} is recorded: check the id`, { commandId });
  const reply = record.reply as CommandReply;
  const pairs = (reply.ok ? reply.results : (reply.error.details.results as PairOutcome[] | undefined)) ?? [];
  const resultCounts: Record<string, number> = {};
  for (const pair of pairs) resultCounts[pair.outcome] = (resultCounts[pair.outcome] ?? 0) + 1;
  const { outcome, offset, limit } = query.params;
  const matching = outcome === undefined ? pairs : pairs.filter((pair) => pair.outcome === outcome);
  return {
    commandId,
    type: record.owner?.type ?? null,
    ok: reply.ok,
    code: reply.ok ? null : reply.error.code,
    message: reply.ok ? reply.message : reply.error.message,
    position: reply.ok ? (record.position ?? reply.position) : null,
    resultCounts,
    total: matching.length,
    offset,
    results: matching.slice(offset, offset + limit),
    warnings: reply.ok ? reply.warnings.slice(offset, offset + limit) : [],
  };
}
