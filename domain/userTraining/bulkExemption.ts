/** R6, R16, R27: the words of one ExemptUser over many users, from each user's outcome. */

import { DomainError } from '../shared/domainError';
import type { PairReport } from './bulkAssignment';

const WORDS: Record<string, string> = {
  changed: 'exempted',
  unchanged: 'already exempt',
  skipped: 'not holding it through the rule',
  failed: 'refused',
};

/** The reply's message: the one user's own message, or counts per outcome over every user. */
export function describeBulkExemption(outcomes: readonly PairReport[], title: string): string {
  if (outcomes.length === 1) return (outcomes[0] as PairReport).message;
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome.outcome, (counts.get(outcome.outcome) ?? 0) + 1);
  const parts = [...counts].map(([outcome, count]) => `${count} ${WORDS[outcome] ?? outcome}`);
  return `${title}, ${outcomes.length} users: ${parts.join(', ')}`;
}

/** When no user could be exempted (every one refused), the command is refused with the first refusal's code and rule. */
export function noUserExempted(failed: readonly PairReport[], details: Record<string, unknown>): DomainError {
  const first = failed[0] as PairReport;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more refusals)` : '';
  const message = failed.length === 1 ? first.message : `no user could be exempted: ${first.message}${more}`;
  return new DomainError(first.code ?? 'RULE_VIOLATION', message, details, first.rule);
}
