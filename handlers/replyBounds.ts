import type { CommandReply, PairOutcome } from './ports/reply';

/**
 * R27: a reply never outgrows the transport. Bulk replies keep counts per outcome and at most this many per-pair
 * details (warnings alike); the whole outcome stays in the command's record, read page by page with CommandOutcome.
 */
export const MAX_REPLY_DETAILS = 100;

/** The reply a caller gets (first time or replayed, R21) from the full reply stored with the command. */
export function boundReply(reply: CommandReply): CommandReply {
  if (reply.ok) {
    const many = reply.events.length > MAX_REPLY_DETAILS;
    if (!reply.results && !many && reply.warnings.length <= MAX_REPLY_DETAILS) return reply;
    return {
      ...reply,
      ...(many ? eventsSummary(reply.events) : {}),
      warnings: boundList(reply.warnings, (more) => `and ${more} more warnings: read them with CommandOutcome`),
      ...(reply.results ? pairsSummary(reply.results) : {}),
    };
  }
  const pairs = reply.error.details.results;
  if (!Array.isArray(pairs)) return reply;
  return {
    ...reply,
    error: { ...reply.error, details: { ...reply.error.details, ...pairsSummary(pairs as PairOutcome[]) } },
  };
}

function eventsSummary(events: readonly { type: string; stream: string }[]) {
  const eventCounts: Record<string, number> = {};
  for (const event of events) eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;
  return { events: events.slice(0, MAX_REPLY_DETAILS), eventCounts, eventsTotal: events.length };
}

function pairsSummary(pairs: readonly PairOutcome[]) {
  const resultCounts: Record<string, number> = {};
  for (const pair of pairs) resultCounts[pair.outcome] = (resultCounts[pair.outcome] ?? 0) + 1;
  return { results: pairs.slice(0, MAX_REPLY_DETAILS), resultCounts, resultsTotal: pairs.length };
}

function boundList(items: readonly string[], more: (count: number) => string): string[] {
  if (items.length <= MAX_REPLY_DETAILS) return [...items];
  return [...items.slice(0, MAX_REPLY_DETAILS), more(items.length - MAX_REPLY_DETAILS)];
}
