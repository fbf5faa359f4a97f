import type { ReferenceData } from '../domain/referenceData/referenceData';
import type { DomainEvent } from '../domain/events';
import type { Actor, Demand } from '../domain/policies/permissionPolicy';
import type { EventMetadata, ExpectedRevision } from './ports/eventStore';
import type { AggregateStore } from './aggregateStore';
import type { PairOutcome } from './ports/reply';

/** What a planner decided: the writes to append together, and what the reply tells the caller. */
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
  correlationId: string;
  causationId?: string;
  reason?: string;
  notes?: string;
}

export interface PlanContext {
  meta: CommandMeta;
  now: string;
  referenceData: ReferenceData;
  aggregates: AggregateStore;
  actor: Actor;
  /** Throws FORBIDDEN naming the missing permission or constraint (R17). */
  require(demand: Demand): void;
}

export type Planner = (context: PlanContext) => Promise<Plan>;
