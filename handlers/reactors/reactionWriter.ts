import type { Logger } from 'pino';
import type { TrainingCommand } from '../../domain/userTraining/trainingDecision';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { CommandHandler } from '../commandHandler';
import { planReactions } from '../planners/reactionPlanner';
import type { RetryPolicy } from '../ports/backgroundWork';
import { attemptWithRetries, isolateFailures, WaitInPlace } from '../ports/backgroundWork';
import type { StoredEvent } from '../ports/eventStore';
import type { ParkedWork, ParkedWorkLog } from '../ports/parkedWork';

/** A reaction: per-user work and the stored event it answers. */
export interface Reaction {
  work: TrainingWork;
  trigger: StoredEvent;
}

export const REACTOR_ACTOR = 'system:assignment-reactor';

/**
 * Stores reactions in chunks, one transaction each, under command ids derived from the page's last event (a replay
 * after a crash stores nothing twice). R29: a chunk that keeps failing for a reason other than an outage is split
 * until the reactions that fail on their own are found; those are parked, the rest stored, and the reactor goes on.
 */
export class ReactionWriter {
  constructor(
    private readonly commands: CommandHandler,
    private readonly parked: ParkedWorkLog,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger | undefined,
  ) {}

  async store(reactions: readonly Reaction[], commandId: string, last: StoredEvent): Promise<void> {
    const run = (part: readonly Reaction[], path: string) => this.execute(part, commandId + path, last);
    const failure = await attemptWithRetries(() => run(reactions, ''), this.retry);
    if (!failure) return;
    const failed = await isolateFailures(reactions, failure, run);
    const parkedAt = this.commands.clock.now();
    await this.park(failed.map(({ item, error }) => parkedReaction(item, error, this.retry.attempts, parkedAt)));
  }

  /** Parks work, and says so in the log as an error: someone must look at it. */
  async park(works: ParkedWork[]): Promise<void> {
    if (works.length === 0) return;
    await this.parked.park(works);
    for (const work of works) {
      this.logger?.error({ loop: work.loop, key: work.key, position: work.position, err: work.error }, 'work parked');
    }
  }

  /** Runs one parked reaction again, with a fresh command id; resolves it when it is stored. */
  async retryParked(work: ParkedWork, commandId: string, trigger: StoredEvent | undefined): Promise<Error | undefined> {
    const error = await attemptWithRetries(
      () => this.executeWork([work.work as TrainingWork], commandId, trigger),
      this.retry,
    );
    if (error) await this.parked.retried(work.key, error.message);
    else await this.parked.resolve(work.key, `retried as ${commandId}`);
    return error;
  }

  private execute(reactions: readonly Reaction[], commandId: string, last: StoredEvent): Promise<void> {
    return this.executeWork(
      reactions.map((reaction) => reaction.work),
      commandId,
      last,
    );
  }

  /** Stores per-user work as one command; `last` (the page's last event) gives it its correlation and cause. */
  private async executeWork(works: readonly TrainingWork[], commandId: string, last: StoredEvent | undefined) {
    const meta = {
      commandId,
      actorId: REACTOR_ACTOR,
      correlationId: last?.metadata.correlationId ?? commandId,
      ...(last ? { causationId: last.id } : {}),
    };
    const reply = await this.commands.execute(meta, (context) => planReactions(works, context));
    if (reply.ok) {
      if (reply.warnings.length > 0)
        this.logger?.info({ position: last?.position, skipped: reply.warnings.length }, 'reactions skipped');
      return;
    }
    const why = `${reply.error.code} ${reply.error.message}`;
    // An outage, or contention that outlasted the command handler's retries: wait in place, never park.
    if (reply.error.code === 'UNAVAILABLE' || reply.error.code === 'CONFLICT') {
      throw new WaitInPlace(`reactions at position ${last?.position ?? '-'} wait: ${why}`);
    }
    throw new Error(`reactions at position ${last?.position ?? '-'} were refused: ${why}`);
  }
}

/** The record of a reaction that failed on its own. */
function parkedReaction({ work, trigger }: Reaction, error: Error, attempts: number, parkedAt: string): ParkedWork {
  const courseId = courseOf(work.command);
  return {
    key: `reactor:${trigger.id}:${work.userId}:${work.command.type}:${courseId ?? ''}`,
    loop: 'reactor',
    position: trigger.position,
    eventId: trigger.id,
    stream: trigger.stream,
    eventType: trigger.type,
    userId: work.userId,
    description: `${work.command.type} ${courseId ?? ''} for ${work.userId}, a reaction to ${trigger.type} at position ${trigger.position}`,
    error: error.message,
    attempts,
    parkedAt,
    work,
  };
}

/** The record of an event the reactor could not react to at all. */
export function parkedTrigger(trigger: StoredEvent, error: Error, parkedAt: string): ParkedWork {
  return {
    key: `reactor:${trigger.id}`,
    loop: 'reactor',
    position: trigger.position,
    eventId: trigger.id,
    stream: trigger.stream,
    eventType: trigger.type,
    userId: null,
    description: `the reactions to ${trigger.type} at position ${trigger.position} (stream ${trigger.stream})`,
    error: error.message,
    attempts: 1,
    parkedAt,
  };
}

function courseOf(command: TrainingCommand): string | undefined {
  if (command.type === 'ApplyRule') return command.rule.courseId;
  return 'courseId' in command ? command.courseId : undefined;
}
