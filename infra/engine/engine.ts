import type { Logger } from 'pino';
import type { CommandHandler } from '../../handlers/commandHandler';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { ParkedWorkLog } from '../../handlers/ports/parkedWork';
import type { CommandReply, QueryReply } from '../../handlers/ports/reply';
import type { AssignmentReactor } from '../../handlers/reactors/assignmentReactor';
import type { Scheduler } from '../../handlers/scheduler/scheduler';
import type { Projections } from '../../projections/projectionRuntime';
import type { QueryHandler } from '../../projections/queryHandler';
import type { ReadModelDb } from '../../projections/readModelDb';

/** The parts of an engine, as `buildEngine` wires them over one event store. */
export interface EngineParts {
  store: EventStore;
  readModels: ReadModelDb;
  commands: CommandHandler;
  reactor: AssignmentReactor;
  projections: Projections;
  queries: QueryHandler;
  scheduler: Scheduler;
  /** Background work that kept failing (R29), recorded in the event store. */
  parked: ParkedWorkLog;
  logger?: Logger | undefined;
  /** Releases what the engine opened itself (threads, the read models, the store), in that order. */
  release(): Promise<void>;
}

/**
 * The engine: the command handler, the assignment reactor, the projections and the query handler over one event
 * store. Built only by `buildEngine` (the composition root). Served (`lms serve`), background loops drive the
 * reactor and projections; embedded (the CLI, the demo, the tests), `send` settles them after every command.
 */
export class Engine {
  readonly store: EventStore;
  readonly readModels: ReadModelDb;
  readonly commands: CommandHandler;
  readonly reactor: AssignmentReactor;
  readonly projections: Projections;
  readonly queries: QueryHandler;
  readonly scheduler: Scheduler;
  readonly parked: ParkedWorkLog;
  private readonly logger: Logger | undefined;
  private readonly release: () => Promise<void>;
  private closed = false;

  constructor(parts: EngineParts) {
    this.store = parts.store;
    this.readModels = parts.readModels;
    this.commands = parts.commands;
    this.reactor = parts.reactor;
    this.projections = parts.projections;
    this.queries = parts.queries;
    this.parked = parts.parked;
    this.scheduler = parts.scheduler;
    this.logger = parts.logger;
    this.release = parts.release;
  }

  /**
   * Embedded use: handles the command, then lets the reactor run until the log is quiet and the read models catch
   * up, so when the reply comes every assignment the command implies is stored and visible to queries.
   */
  async send(input: unknown): Promise<CommandReply> {
    const reply = await this.commands.handle(input);
    // A refusal, or a command that changed nothing, stored no events: nothing to react to or project.
    if (!reply.ok || (reply.eventsTotal ?? reply.events.length) === 0) return reply;
    try {
      await this.settle();
    } catch (error) {
      // The command is stored: its reply stands. What failed after it resumes from its checkpoint next time.
      const message = (error as Error).message;
      this.logger?.error({ err: message }, 'reactions or read models could not catch up');
      if (reply.ok) {
        reply.warnings.push(
          `stored, but reactions or read models could not catch up yet (${message}); they resume on the next command or query`,
        );
      }
    }
    return reply;
  }

  /** Reactions until the log is quiet, then the read models up to the head. */
  async settle(): Promise<void> {
    await this.reactor.runUntilIdle();
    await this.projections.catchUp();
  }

  query(input: unknown): Promise<QueryReply> {
    return this.queries.handle(input);
  }

  /** Stops the projection thread if there is one and closes what the engine opened; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }
}
