import type { Logger } from 'pino';
import type { EventStore } from '../infra/eventstore/eventStore';
import { ProjectionRuntime } from '../projections/projectionRuntime';
import type { ProjectionRuntimeOptions } from '../projections/projectionRuntime';
import { QueryEngine } from '../projections/queryEngine';
import type { ReadModelDb } from '../projections/readModelDb';
import type { Clock } from './clock';
import { CommandEngine } from './commandEngine';
import { AssignmentReactor } from './reactors/assignmentReactor';
import type { CommandReply } from './reply';

export interface EmbeddedEngineOptions {
  store: EventStore;
  readModels: ReadModelDb;
  clock: Clock;
  bootstrapAdminId: string | null;
  logger?: Logger;
  reactorChunkSize?: number;
  projection?: ProjectionRuntimeOptions;
}

/**
 * The engine in one process without servers: each command is handled, the reactor runs until the log is quiet,
 * and the read models catch up, so when `send` returns every assignment the command implies is stored and
 * visible to queries (the CLI, the demo and the tests rely on it).
 */
export class EmbeddedEngine {
  readonly engine: CommandEngine;
  readonly reactor: AssignmentReactor;
  readonly projections: ProjectionRuntime;
  readonly queries: QueryEngine;

  private readonly logger: Logger | undefined;

  constructor(options: EmbeddedEngineOptions) {
    this.logger = options.logger;
    this.engine = new CommandEngine(options);
    this.reactor = new AssignmentReactor(this.engine, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.reactorChunkSize ? { chunkSize: options.reactorChunkSize } : {}),
    });
    this.projections = new ProjectionRuntime(options.store, options.readModels, options.projection);
    this.queries = new QueryEngine({
      store: options.store,
      runtime: this.projections,
      feed: this.engine.feed,
      clock: options.clock,
      catchUpBeforeQuery: true,
    });
  }

  get store(): EventStore {
    return this.engine.store;
  }

  async send(input: unknown): Promise<CommandReply> {
    const reply = await this.engine.handle(input);
    try {
      await this.reactor.runUntilIdle();
      await this.projections.catchUp();
    } catch (error) {
      // The command is stored: its reply stands. What failed after it resumes from its checkpoint next time.
      this.logger?.error({ err: (error as Error).message }, 'reactions or read models could not catch up');
      if (reply.ok)
        reply.warnings.push(
          `stored, but reactions or read models could not catch up yet (${(error as Error).message}); they resume on the next command or query`,
        );
    }
    return reply;
  }

  query(input: unknown) {
    return this.queries.handle(input);
  }
}
