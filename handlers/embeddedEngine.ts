import type { Logger } from 'pino';
import type { EventStore } from '../infra/eventstore/eventStore';
import type { Clock } from './clock';
import { CommandEngine } from './commandEngine';
import { AssignmentReactor } from './reactors/assignmentReactor';
import type { CommandReply } from './reply';

export interface EmbeddedEngineOptions {
  store: EventStore;
  clock: Clock;
  bootstrapAdminId: string | null;
  logger?: Logger;
  reactorChunkSize?: number;
}

/**
 * The engine in one process without servers: each command is handled, then the reactor runs until the log is
 * quiet, so when `send` returns every assignment the command implies is stored (the CLI and the tests rely on it).
 */
export class EmbeddedEngine {
  readonly engine: CommandEngine;
  readonly reactor: AssignmentReactor;

  constructor(options: EmbeddedEngineOptions) {
    this.engine = new CommandEngine(options);
    this.reactor = new AssignmentReactor(this.engine, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.reactorChunkSize ? { chunkSize: options.reactorChunkSize } : {}),
    });
  }

  get store(): EventStore {
    return this.engine.store;
  }

  async send(input: unknown): Promise<CommandReply> {
    const reply = await this.engine.handle(input);
    await this.reactor.runUntilIdle();
    return reply;
  }
}
