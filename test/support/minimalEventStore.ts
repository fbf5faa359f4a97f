import type {
  AppendOptions,
  AppendResult,
  CommandRecord,
  EventStore,
  StoredEvent,
  StreamWrite,
  SubscribeOptions,
  Subscription,
} from '../../handlers/ports/eventStore';

/**
 * A store that offers only the port's required methods, the shape of the EventStoreDB adapter: the engine, the
 * reactor, the projections and the rebuild take their fallback paths on it (reading the whole log where a richer
 * store reads reference data, a batch of streams or a stream prefix). The "minimal port" jest project runs the
 * engine, reactor, projection and rebuild suites on it in every CI run.
 */
export class MinimalEventStore implements EventStore {
  constructor(private readonly inner: EventStore) {}

  append(writes: StreamWrite[], options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(writes, options);
  }

  readStream(stream: string, fromRevision?: number): Promise<StoredEvent[]> {
    return this.inner.readStream(stream, fromRevision);
  }

  streamRevision(stream: string): Promise<number> {
    return this.inner.streamRevision(stream);
  }

  readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.inner.readAll(fromPosition, limit);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return this.inner.subscribe(options);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  findCommand(commandId: string): Promise<CommandRecord | undefined> {
    return this.inner.findCommand(commandId);
  }

  readCheckpoint(name: string): Promise<number> {
    return this.inner.readCheckpoint(name);
  }

  writeCheckpoint(name: string, position: number): Promise<void> {
    return this.inner.writeCheckpoint(name, position);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Whether this jest project runs on the minimal port (test/support/minimalPortSetup.ts). */
export const onMinimalPort = (): boolean => process.env.LMS_TEST_STORE === 'minimal';

/** The store as the running project wants it: itself, or only its required methods on the minimal-port project. */
export function asConfiguredPort(store: EventStore): EventStore {
  return onMinimalPort() ? new MinimalEventStore(store) : store;
}
