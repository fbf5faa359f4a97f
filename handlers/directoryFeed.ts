import { Directory } from '../domain/directory/directory';
import { asDomainEvent } from '../domain/events';
import type { EventStore } from '../infra/eventstore/eventStore';

/** Keeps a Directory current with the store: before each decision it folds whatever was appended since. */
export class DirectoryFeed {
  readonly directory: Directory;
  private position = 0;

  constructor(
    private readonly store: EventStore,
    bootstrapAdminId: string | null,
  ) {
    this.directory = new Directory(bootstrapAdminId);
  }

  get at(): number {
    return this.position;
  }

  async catchUp(until = Number.MAX_SAFE_INTEGER): Promise<void> {
    while (this.position < until) {
      const page = await this.store.readAll(this.position, 5000);
      for (const stored of page) {
        if (stored.position > until) return;
        const event = asDomainEvent(stored);
        if (event) this.directory.apply(event);
        this.position = stored.position;
      }
      if (page.length < 5000) return;
    }
  }
}
