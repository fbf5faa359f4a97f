import type { DomainEvent } from '../domain/events';
import type { Actor } from '../domain/policies/permissionPolicy';
import type { RuleHolding } from '../domain/reactions/ruleHolders';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import type { AggregateStore } from './aggregateStore';
import type { EventMetadata, ExpectedRevision } from './ports/eventStore';
import type { PairOutcome } from './ports/reply';

/**
 * A plan: what a command will append (the writes, together, each with its expected revision) and what its reply says.
 * A planner loads what the decision reads, asks the domain to decide, and returns the plan; the command handler
 * commits it.
 */
export interface Plan {
  writes: PlannedWrite[];
  message: string;
  warnings?: string[];
  results?: PairOutcome[];
}

export interface PlannedWrite {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: DomainEvent[];
  /** Per-event metadata overrides (reactors record each reaction's own cause and actor). */
  metadata?: Partial<EventMetadata>[];
  /** The aggregate's state after these events, kept in the cache once they are stored (saves a read next time). */
  stateAfter?: unknown;
}

export interface CommandMeta {
  commandId: string;
  actorId: string;
  /** The public command's type: with the actor, whom its first reply belongs to (R21). Derived work has none. */
  type?: string;
  correlationId: string;
  causationId?: string;
  reason?: string;
  notes?: string;
  /** R25: decide and reply, store nothing. */
  dryRun?: boolean;
}

export interface PlanContext {
  meta: CommandMeta;
  now: string;
  referenceData: ReferenceData;
  aggregates: AggregateStore;
  actor: Actor;
  /** Who holds which rule, as the reactor knows it (R26: ExtendDueDates of a rule's holders); absent without one. */
  ruleHolders?: RuleHolding;
}

export type Planner = (context: PlanContext) => Promise<Plan>;
