/** Time enters the engine here and nowhere else; the domain receives it as an argument. */
export interface Clock {
  /** The current instant, ISO-8601 UTC. */
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

/** A clock that stands still until moved: tests, the demo, replays. */
export class ManualClock implements Clock {
  private instant: Date;

  constructor(start: string) {
    this.instant = new Date(start);
  }

  now(): string {
    return this.instant.toISOString();
  }

  set(instant: string): void {
    this.instant = new Date(instant);
  }

  advanceDays(days: number): void {
    this.instant = new Date(this.instant.getTime() + days * 86_400_000);
  }
}
