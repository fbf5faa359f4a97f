import type { Logger } from 'pino';
import { todayIn } from '../../domain/shared/calendar';
import { SCHEDULER_ACTOR } from '../../domain/userTraining/exemptionLifecycle';
import type { TrainingWork } from '../../domain/userTraining/trainingWork';
import type { CommandHandler } from '../commandHandler';
import { StoredParkedWorkLog } from '../parkedWorkLog';
import { planScheduledWork } from '../planners/scheduledTransitionsPlanner';
import type { RetryPolicy } from '../ports/backgroundWork';
import { attemptWithRetries, DEFAULT_RETRY_POLICY, isolateFailures, WaitInPlace } from '../ports/backgroundWork';
import type { ParkedWorkLog } from '../ports/parkedWork';

export interface SchedulerOptions {
  /** Users decided per transaction. */
  chunkSize?: number;
  parked?: ParkedWorkLog;
  retry?: RetryPolicy;
  logger?: Logger;
}

/** The system actor scheduled work records (R20); the domain names it on exemptions that end by themselves (R6). */
export { SCHEDULER_ACTOR };
/** The checkpoint of a time zone: the last local date (as a day number) whose transitions were applied there. */
export const schedulerCheckpoint = (zone: string): string => `scheduler:${zone}`;
const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/**
 * Time moves by itself (R5, R22, R23): at each user's local midnight the day's transitions are applied to every active
 * user in that zone (expiry, overdue notices, reminders), once per zone and day, recorded in a checkpoint per zone. A
 * restart or a second instance finds the day done or decides nothing again (the transitions are idempotent by
 * state: an overdue notice once per due date, a reminder once per day before it); after downtime the next run
 * catches up. Work for a user that keeps failing is parked (R29) and the other users' goes on.
 */
export class Scheduler {
  private readonly chunkSize: number;
  private readonly retry: RetryPolicy;
  readonly parked: ParkedWorkLog;
  private running: Promise<number> | undefined;

  constructor(
    private readonly commands: CommandHandler,
    private readonly options: SchedulerOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? 500;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.parked = options.parked ?? new StoredParkedWorkLog(commands.store, commands.clock);
  }

  /** Applies the day's transitions in every zone whose local date moved on; resolves with the users reached. */
  async runDue(): Promise<number> {
    while (this.running) await this.running.catch(() => 0);
    this.running = this.applyDue();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async applyDue(): Promise<number> {
    await this.commands.feed.catchUp();
    const now = this.commands.clock.now();
    let reached = 0;
    for (const [zone, userIds] of this.usersByZone()) {
      const today = todayIn(now, zone);
      const checkpoint = schedulerCheckpoint(zone);
      if ((await this.commands.store.readCheckpoint(checkpoint)) >= dayNumber(today)) continue;
      for (let chunk = 0; chunk * this.chunkSize < userIds.length; chunk++) {
        const slice = userIds.slice(chunk * this.chunkSize, (chunk + 1) * this.chunkSize);
        await this.applyChunk(slice, `scheduler:${zone}:${today}:${chunk}`, now);
      }
      await this.commands.store.writeCheckpoint(checkpoint, dayNumber(today));
      this.options.logger?.info({ zone, date: today, users: userIds.length }, 'scheduled transitions applied');
      reached += userIds.length;
    }
    return reached;
  }

  /** Per zone in use: the last local date whose transitions were applied there (null: never), and today there. */
  async days(): Promise<{ zone: string; appliedThrough: string | null; today: string }[]> {
    await this.commands.feed.catchUp();
    const now = this.commands.clock.now();
    const days = [];
    for (const zone of this.usersByZone().keys()) {
      const day = await this.commands.store.readCheckpoint(schedulerCheckpoint(zone));
      const appliedThrough = day > 0 ? new Date(day * 86_400_000).toISOString().slice(0, 10) : null;
      days.push({ zone, appliedThrough, today: todayIn(now, zone) });
    }
    return days;
  }

  /** Active users by the zone their day is judged in (their own, or the portal's), sorted so chunks repeat. */
  private usersByZone(): Map<string, string[]> {
    const { referenceData } = this.commands;
    const byZone = new Map<string, string[]>();
    for (const user of referenceData.users.values()) {
      if (!user.active) continue;
      const zone = referenceData.timeZoneOf(user.userId);
      const users = byZone.get(zone);
      if (users) users.push(user.userId);
      else byZone.set(zone, [user.userId]);
    }
    for (const users of byZone.values()) users.sort();
    return byZone;
  }

  private async applyChunk(userIds: readonly string[], commandId: string, now: string): Promise<void> {
    const run = (part: readonly string[], path: string) => this.execute(part, commandId + path);
    const failure = await attemptWithRetries(() => run(userIds, ''), this.retry);
    if (!failure) return;
    const failed = await isolateFailures(userIds, failure, run);
    await this.parked.park(
      failed.map(({ item: userId, error }) => ({
        key: `scheduler:${commandId}:${userId}`,
        loop: 'scheduler' as const,
        position: 0,
        eventId: null,
        eventType: null,
        userId,
        description: `the scheduled transitions of ${userId} for ${commandId.split(':').slice(1, -1).join(':')}`,
        error: error.message,
        attempts: this.retry.attempts,
        parkedAt: now,
        work: { userId, command: { type: 'RunScheduledTransitions' } } satisfies TrainingWork,
      })),
    );
    for (const { item, error } of failed) {
      this.options.logger?.error({ loop: 'scheduler', userId: item, err: error.message }, 'work parked');
    }
  }

  private async execute(userIds: readonly string[], commandId: string): Promise<void> {
    const meta = { commandId, actorId: SCHEDULER_ACTOR, correlationId: commandId };
    const reply = await this.commands.execute(meta, (context) => planScheduledWork(userIds, context));
    if (reply.ok) return;
    const why = `${reply.error.code} ${reply.error.message}`;
    if (reply.error.code === 'UNAVAILABLE' || reply.error.code === 'CONFLICT') throw new WaitInPlace(why);
    throw new Error(`scheduled transitions were refused: ${why}`);
  }
}
