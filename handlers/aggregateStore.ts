import type { DomainEvent } from '../domain/events';
import { asDomainEvent } from '../domain/events';
import type { EventStore, StoredEvent } from './ports/eventStore';

/** How to fold one kind of aggregate from its stream. */
export interface AggregateKind<State> {
  initial(): State;
  evolve(state: State, event: DomainEvent): State;
}

export interface Loaded<State> {
  state: State;
  /** Revision of the stream's last event, -1 for a new stream: the expected revision of the next append. */
  revision: number;
}

/**
 * Loads aggregate state, keeping each stream's folded state keyed by its revision so the next load reads only
 * the events appended since. Bounded: the least recently loaded streams are dropped first.
 */
export class AggregateStore {
  private readonly cache = new Map<string, Loaded<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly maxCached = 300_000,
    private readonly optimistic = true,
  ) {}

  private readonly stale = new Set<string>();

  /** After our own append: the cache moves to the state the decision produced, at the stored revision. */
  advance(stream: string, state: unknown, revision: number): void {
    this.stale.delete(stream);
    this.cache.delete(stream);
    this.cache.set(stream, { state, revision });
  }

  /** The store has events of this stream the cache lacks (we appended, or lost a race): read them on next load. */
  invalidate(stream: string): void {
    if (this.cache.has(stream)) this.stale.add(stream);
  }

  /**
   * Reads the streams not cached yet in one go when the store can (a reactor chunk's 1,000 training streams:
   * one query instead of 1,000), so the loads that follow are answered from the cache.
   */
  async prefetch<State>(streams: readonly string[], kind: AggregateKind<State>): Promise<void> {
    const read = this.store.readStreams?.bind(this.store);
    if (!read || !this.optimistic) return;
    const missing = [...new Set(streams)].filter((stream) => !this.cache.has(stream));
    for (let from = 0; from < missing.length; from += 500) {
      const page = await read(missing.slice(from, from + 500));
      for (const [stream, events] of page)
        if (!this.cache.has(stream)) this.remember(stream, fold({ state: kind.initial(), revision: -1 }, events, kind));
    }
  }

  async load<State>(stream: string, kind: AggregateKind<State>): Promise<Loaded<State>> {
    const cached = this.cache.get(stream) as Loaded<State> | undefined;
    // Optimistic: a cached state nobody marked stale is used without asking the store. If another process appended
    // meanwhile, the append's expected revision refuses it; the engine marks the stream stale and decides again.
    if (cached && this.optimistic && !this.stale.has(stream)) {
      this.cache.delete(stream);
      this.cache.set(stream, cached);
      return cached;
    }
    const from = cached ?? { state: kind.initial(), revision: -1 };
    const loaded = fold(from, await this.store.readStream(stream, from.revision + 1), kind);
    this.stale.delete(stream);
    this.remember(stream, loaded);
    return loaded;
  }

  /** Most recently used last; the least recently used is dropped past the bound. */
  private remember(stream: string, loaded: Loaded<unknown>): void {
    this.cache.delete(stream);
    this.cache.set(stream, loaded);
    if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
  }
}

/** Folds a stream's events onto a state known up to some revision. */
function fold<State>(from: Loaded<State>, events: readonly StoredEvent[], kind: AggregateKind<State>): Loaded<State> {
  let { state, revision } = from;
  for (const stored of events) {
    const event = asDomainEvent(stored);
    if (event) state = kind.evolve(state, event);
    revision = stored.revision;
  }
  return { state, revision };
}
