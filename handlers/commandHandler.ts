import type { Logger } from 'pino';
import type { Command } from '../domain/commands';
import { parseCommand } from '../domain/commands';
import type { DomainEvent } from '../domain/events';
import { eventSchemas } from '../domain/events';
import type { RuleHolding } from '../domain/reactions/ruleHolders';
import { DomainError } from '../domain/shared/domainError';
import { categoryOf } from '../domain/streams';
import type { AggregateStoreOptions } from './aggregateStore';
import { AggregateStore } from './aggregateStore';
import { countsEffects, effectsOf } from './commandPreview';
import { eventIdsFor } from './eventIds';
import type { CommandMeta, Plan, PlanContext, Planner } from './plan';
import { planCommand } from './planners/planCommand';
import type { Clock } from './ports/clock';
import type { CommandOwner, CommandRecord, EventStore, NewEvent, StreamWrite } from './ports/eventStore';
import {
  AppendTooLargeError,
  DuplicateCommandError,
  EventStoreAccessDeniedError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from './ports/eventStore';
import type { CommandEffects, CommandFailure, CommandReply, CommandSuccess } from './ports/reply';
import { ReferenceDataFeed } from './referenceDataFeed';
import { boundReply } from './replyBounds';
import { StreamLocks } from './streamLocks';

export interface CommandHandlerOptions {
  store: EventStore;
  clock: Clock;
  bootstrapAdminId: string | null;
  logger?: Logger;
  /** Attempts on an expected-revision conflict before answering CONFLICT (R21). */
  maxAttempts?: number;
  /** Check every decided event against its published schema before storing it (default on). */
  validateEvents?: boolean;
  /** Bound of the folded-state cache in bytes (default DEFAULT_STATE_CACHE_BYTES). */
  stateCacheBytes?: number;
  /** Snapshots of long streams (AggregateStoreOptions); absent: none. */
  snapshots?: Pick<AggregateStoreOptions, 'snapshotDomain' | 'snapshotAfterEvents'>;
}

/**
 * Handles commands: validate, return the first reply for a command id seen before, authorize, load, decide,
 * append with expected revisions (retrying on conflict), and record the reply in the same transaction (R21).
 */
export class CommandHandler {
  readonly store: EventStore;
  readonly feed: ReferenceDataFeed;
  readonly aggregates: AggregateStore;
  readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly maxAttempts: number;
  private readonly validateEvents: boolean;
  private readonly streamLocks = new StreamLocks();
  /** Conflicts met and retried, for operators and tests. */
  conflictRetries = 0;
  /** Commands (and reactions) being decided or committed now: one alone may be committed in place (AppendOptions). */
  private inFlight = 0;
  /** Who holds which rule, as the reactor knows it: what previews count a rule's reactions against (R25). */
  private ruleHolders: RuleHolding | undefined;

  constructor(options: CommandHandlerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.logger = options.logger;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.validateEvents = options.validateEvents ?? true;
    this.feed = new ReferenceDataFeed(options.store, options.bootstrapAdminId);
    this.aggregates = new AggregateStore(options.store, {
      ...(options.stateCacheBytes ? { maxBytes: options.stateCacheBytes } : {}),
      ...(options.snapshots ?? {}),
    });
  }

  /** The reactor's record of rule holders, for counting what a rule change will withdraw (R25). */
  countEffectsWith(holders: RuleHolding): void {
    this.ruleHolders = holders;
  }

  get referenceData() {
    return this.feed.referenceData;
  }

  /** Entry point for every transport: anything in, a reply out; never throws for bad input. */
  async handle(input: unknown): Promise<CommandReply> {
    const parsed = parseCommand(input);
    if (!parsed.ok) {
      return failure(parsed.commandId, new DomainError('VALIDATION_FAILED', parsed.message, { issues: parsed.issues }));
    }
    const command = parsed.command;
    return this.execute(metaOf(command), (context) => planCommand(command, context));
  }

  /** Runs a planner under the engine's guarantees; reactors use it for the per-user work they derive. */
  async execute(meta: CommandMeta, planner: Planner): Promise<CommandReply> {
    this.inFlight++;
    try {
      // No look-up first: the append checks the command id in its own transaction and refuses a duplicate (stores
      // nothing), which lands below and returns the first reply (R21). A rare duplicate is planned once for nothing;
      // every other command saves a read.
      return await this.attempt(meta, planner);
    } catch (error) {
      if (error instanceof DuplicateCommandError) {
        const first = await this.store.findCommand(meta.commandId);
        if (first) return belongsTo(first, meta) ? boundReply(replayed(first)) : reusedId(meta);
      }
      if (error instanceof AppendTooLargeError) {
        return failure(
          meta.commandId,
          new DomainError('VALIDATION_FAILED', `${error.message}: nothing was stored; send it in smaller parts`),
        );
      }
      if (error instanceof EventStoreUnavailableError) {
        this.logger?.warn({ commandId: meta.commandId, err: error.message }, 'event store unavailable');
        return failure(
          meta.commandId,
          new DomainError('UNAVAILABLE', `the event store is unavailable: ${error.message}; try again shortly`),
        );
      }
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Plans and commits, again on an expected-revision conflict: the first retry waits for its turn on the stream it
   * collided on (other commands of this process that collided there go one at a time), later ones also back off
   * with jitter, for writers in other processes.
   */
  private async attempt(meta: CommandMeta, planner: Planner): Promise<CommandReply> {
    let release: (() => void) | undefined;
    try {
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        await throughBlips(() => this.feed.catchUp());
        const now = this.clock.now();
        let plan: Plan;
        const context: PlanContext = {
          meta,
          now,
          referenceData: this.referenceData,
          aggregates: this.aggregates,
          actor: this.referenceData.actor(meta.actorId),
          ...(this.ruleHolders ? { ruleHolders: this.ruleHolders } : {}),
        };
        try {
          plan = await throughBlips(() => planner(context));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const reply = failure(meta.commandId, error);
          // R25: a preview's refusal is not the command's result: nothing is recorded, the id stays free.
          if (meta.dryRun) return boundReply(reply);
          // A refusal is the command's result too: the same command id gets it again (R21).
          await this.store.append([], { command: { commandId: meta.commandId, reply, owner: ownerOf(meta) } });
          return boundReply(reply);
        }
        if (meta.dryRun) return boundReply(await this.preview(meta, plan, context));
        const effects = countsEffects(plan)
          ? await throughBlips(() => effectsOf(plan, context, this.ruleHolders))
          : undefined;
        try {
          // The same plan committed again after a blip: see throughBlips.
          return boundReply(await throughBlips(() => this.commit(meta, now, plan, effects)));
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          this.conflictRetries++;
          this.aggregates.invalidate(error.stream);
          this.logger?.debug(
            { commandId: meta.commandId, stream: error.stream, attempt },
            'expected revision conflict; retrying',
          );
          if (release === undefined) release = await this.streamLocks.acquire(error.stream);
          else await sleep(Math.random() * Math.min(250, 2 ** attempt * 5));
        }
      }
      return failure(
        meta.commandId,
        new DomainError(
          'CONFLICT',
          `the command kept meeting concurrent changes after ${this.maxAttempts} attempts: send it again`,
        ),
      );
    } finally {
      release?.();
    }
  }

  /**
   * R25: the reply a command would get, from its plan, with nothing stored (no events, no command record: the id
   * stays free for the real command).
   */
  private async preview(meta: CommandMeta, plan: Plan, context: PlanContext): Promise<CommandSuccess> {
    return {
      ok: true,
      commandId: meta.commandId,
      position: 0,
      dryRun: true,
      events: eventsOf(plan.writes),
      message: `Preview, nothing stored; if sent: ${plan.message}`,
      warnings: plan.warnings ?? [],
      ...(plan.results ? { results: plan.results } : {}),
      effects: await effectsOf(plan, context, this.ruleHolders),
    };
  }

  private async commit(
    meta: CommandMeta,
    now: string,
    plan: Plan,
    effects: CommandEffects | undefined,
  ): Promise<CommandSuccess> {
    if (this.validateEvents) for (const write of plan.writes) write.events.forEach(assertMatchesSchema);
    let index = 0;
    const idOf = eventIdsFor(meta.commandId);
    const writes: StreamWrite[] = plan.writes.map((write) => ({
      stream: write.stream,
      expectedRevision: write.expectedRevision,
      events: write.events.map(
        (event, i): NewEvent => ({
          id: idOf(index++),
          type: event.type,
          data: event.data,
          metadata: {
            actorId: meta.actorId,
            commandId: meta.commandId,
            correlationId: meta.correlationId,
            ...(meta.causationId ? { causationId: meta.causationId } : {}),
            occurredAt: now,
            ...(meta.reason ? { reason: meta.reason } : {}),
            ...(meta.notes ? { notes: meta.notes } : {}),
            ...write.metadata?.[i],
          },
        }),
      ),
    }));
    const reply: CommandSuccess = {
      ok: true,
      commandId: meta.commandId,
      position: 0,
      events: eventsOf(writes),
      message: plan.message,
      warnings: plan.warnings ?? [],
      ...(plan.results ? { results: plan.results } : {}),
      ...(effects ? { effects } : {}),
    };
    const planned = plan.writes.filter((write) => write.events.length > 0);
    const written = writes.filter((write) => write.events.length > 0);
    let result;
    try {
      result = await this.store.append(written, {
        command: { commandId: meta.commandId, reply, owner: ownerOf(meta) },
        ...(this.inFlight === 1 ? { alone: true } : {}),
      });
    } catch (error) {
      for (const write of written) this.aggregates.invalidate(write.stream);
      throw error;
    }
    reply.position = result.position;
    // The next decision need not read back what this one stored, unless it changes reference data.
    if (written.every((write) => categoryOf(write.stream) === 'training')) this.feed.passOver(result);
    result.streams.forEach((stored, i) => {
      const stateAfter = planned[i]?.stateAfter;
      if (stateAfter !== undefined && planned[i]?.stream === stored.stream)
        this.aggregates.advance(stored.stream, stateAfter, stored.nextRevision);
      else this.aggregates.invalidate(stored.stream);
    });
    return reply;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Pauses before a step is tried again after an outage (see throughBlips). */
const OUTAGE_RETRY_DELAYS_MS = [100, 400] as const;

/**
 * A step of the store's tried again twice (after 100 and 400 ms) when the store is briefly unavailable, before the
 * caller hears UNAVAILABLE. Reads before the decision: nothing is stored yet, so reading again is safe; on
 * EventStoreDB one call refused while its connection is replaced fails every call waiting on that connection, and
 * each of those commands would otherwise answer UNAVAILABLE for a blip. Commits: the same plan is committed again. On
 * a store whose multi-stream append is not one transaction (EventStoreDB), an outage can strike between two stream
 * writes: the same writes sent again are recognised as replays where they landed and completed where they did not,
 * so the command ends whole, as planned, and its reply counts every event. Planning again instead would see the
 * written part as done and decide only the rest. Access denied is not a blip.
 */
async function throughBlips<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const blip = error instanceof EventStoreUnavailableError && !(error instanceof EventStoreAccessDeniedError);
      if (!blip || attempt >= OUTAGE_RETRY_DELAYS_MS.length) throw error;
      await sleep(OUTAGE_RETRY_DELAYS_MS[attempt] ?? 0);
    }
  }
}

function metaOf(command: Command): CommandMeta {
  return {
    commandId: command.commandId,
    actorId: command.actor.userId,
    type: command.type,
    correlationId: command.correlationId ?? command.commandId,
    ...(command.reason ? { reason: command.reason } : {}),
    ...(command.notes ? { notes: command.notes } : {}),
    ...(command.dryRun ? { dryRun: true } : {}),
  };
}

/** The reply's list of events: each one's type and stream, in order. */
function eventsOf(writes: readonly { stream: string; events: readonly { type: string }[] }[]) {
  return writes.flatMap((write) => write.events.map((event) => ({ type: event.type, stream: write.stream })));
}

/** A decided event that does not match its published schema is a defect: refuse to store it. */
function assertMatchesSchema(event: DomainEvent): void {
  const result = eventSchemas[event.type].safeParse(event.data);
  if (!result.success)
    throw new Error(
      `decided ${event.type} does not match its schema: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
}

const ownerOf = (meta: CommandMeta): CommandOwner | undefined =>
  meta.type === undefined ? undefined : { actorId: meta.actorId, type: meta.type };

/** R21: the first reply goes back to the same actor with the same command type (or when no owner was recorded). */
function belongsTo(record: CommandRecord, meta: CommandMeta): boolean {
  return record.owner === undefined || (record.owner.actorId === meta.actorId && record.owner.type === meta.type);
}

/** R21: someone else reusing a command id learns nothing of the first command, not even its type. */
function reusedId(meta: CommandMeta): CommandFailure {
  return failure(
    meta.commandId,
    new DomainError(
      'CONFLICT',
      `command id ${meta.commandId} was already used for another command: send this one with a new id`,
    ),
  );
}

/** The first reply again (R21), with the position its append reached. */
function replayed(record: CommandRecord): CommandReply {
  const reply = record.reply as CommandReply;
  return reply.ok && record.position !== undefined ? { ...reply, position: record.position } : reply;
}

export function failure(commandId: string | null, error: DomainError): CommandFailure {
  return {
    ok: false,
    commandId,
    error: {
      code: error.code,
      message: error.message,
      details: error.details,
      ...(error.rule ? { rule: error.rule } : {}),
    },
  };
}
