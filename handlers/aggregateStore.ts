import type { DomainEvent } from '../domain/events';
import { asDomainEvent } from '../domain/events';
import type { EventStore, StoredEvent } from './ports/eventStore';
import type { Admission, Loaded, StateCacheUsage } from './stateCache';
import { StateCache } from './stateCache';

export type { Loaded } from './stateCache';

/** How to fold one kind of aggregate from its stream. */
export interface AggregateKind<State> {
  initial(): State;
  /** Folds events in order (those of other aggregates change nothing). */
  evolveAll(state: State, events: readonly DomainEvent[]): State;
  /** How its state goes into a snapshot and back; a kind without one is always folded from its first event. */
  snapshots?: SnapshotCodec<State>;
}

/** A state as JSON and back: `decode(JSON.parse(JSON.stringify(encode(state))))` is the state. */
export interface SnapshotCodec<State> {
  /** Names the encoding: a snapshot of another is not decoded. */
  format: string;
  encode(state: State): unknown;
  decode(value: unknown): State;
}

/** Snapshots read, written and refused since start (a write refused, or a snapshot that would not decode). */
export interface SnapshotUse {
  read: number;
  written: number;
  failed: number;
}

/**
 * Events a load folds past the snapshot it started from (or from the stream's start) that make it write a new
 * snapshot: reading and decoding a snapshot costs about what ten events cost (BENCHMARKS.md, session 18), so a
 * snapshot pays only on a long stream, and a user's training usually holds fewer events than this.
 */
export const DEFAULT_SNAPSHOT_AFTER_EVENTS = 100;

/**
 * The state cache's default bound: about 24,000 users holding ten assignments each unpacked, or 6,000 unpacked and
 * 190,000 packed (StateCache). Twice that took 200 MB more at 250,000 users (issue #19); a miss costs one indexed
 * range read.
 */
export const DEFAULT_STATE_CACHE_BYTES = 128 * 1024 * 1024;

export interface AggregateStoreOptions {
  /** Bound of the state cache in (estimated) bytes of heap; the least recently used states go first. */
  maxBytes?: number;
  /** Use a cached state without asking the store (one writer per store; a conflict on append corrects it). */
  optimistic?: boolean;
  /** Past the bound, pack users' training before dropping any (default on; off: dropped, least recently used first). */
  packing?: boolean;
  /**
   * Snapshots of long streams, where the store keeps them (readSnapshot, writeSnapshot) and the kind has a codec:
   * the identity of the domain code that folds states (infra/engine/domainFingerprint.ts), asked when a snapshot is
   * first read or written (a process that loads no cold stream never computes it). A snapshot written under another
   * is not read, so a state folded by older rules is never taken for one folded by these. Absent, or undefined when
   * asked: no snapshots.
   */
  snapshotDomain?: () => string | undefined;
  /** See DEFAULT_SNAPSHOT_AFTER_EVENTS. */
  snapshotAfterEvents?: number;
}

/**
 * The state cache as operators see it: states held (of which packed), their estimated bytes and the bound, and the
 * loads since start that found their state there (hits, of which unpacked) or read it from the store (misses).
 */
export type CacheUse = StateCacheUsage & { hits: number; misses: number };

/**
 * Loads aggregate state, keeping each stream's folded state keyed by its revision so the next load reads only
 * the events appended since. Bounded in memory, whatever the portal's size (issue #19; StateCache: past the bound the
 * least recently used users are packed, then dropped); a state not cached is folded from its stream again (one
 * indexed range read; `loadMany` reads a batch of streams in one query).
 *
 * Bulk work does not evict: the states `loadMany` folds (a rule's audience, a bulk command's users) and the states
 * written after them are kept only while the cache has room, or packed. A rule over 250,000 users would otherwise push
 * out every state commands use, once to count its effects and again to apply it, and leave the heap a quarter of a
 * million promoted states to collect; a scan in user order also finds nothing an LRU cache kept from the last scan.
 */
export class AggregateStore {
  private readonly cache: StateCache;
  private hits = 0;
  private misses = 0;
  private readonly optimistic: boolean;
  private readonly snapshotDomain: (() => string | undefined) | undefined;
  private readonly snapshotAfterEvents: number;
  private readonly snapshotUse: SnapshotUse = { read: 0, written: 0, failed: 0 };

  constructor(
    private readonly store: EventStore,
    options: AggregateStoreOptions = {},
  ) {
    this.cache = new StateCache(options.maxBytes ?? DEFAULT_STATE_CACHE_BYTES, options.packing ?? true);
    this.optimistic = options.optimistic ?? true;
    this.snapshotDomain = options.snapshotDomain;
    this.snapshotAfterEvents = options.snapshotAfterEvents ?? DEFAULT_SNAPSHOT_AFTER_EVENTS;
  }

  /** Snapshots read, written and refused since start, for operators and tests. */
  get snapshots(): SnapshotUse {
    return { ...this.snapshotUse };
  }

  /** What the cache holds, and how often a load found its state there (since start), for operators and tests. */
  get cacheUse(): CacheUse {
    return { ...this.cache.usage, hits: this.hits, misses: this.misses };
  }

  /**
   * After our own append: the cache moves to the state the decision produced, at the stored revision. A stream the
   * cache does not hold (bulk work read it) is taken in only if there is room.
   */
  advance(stream: string, state: unknown, revision: number): void {
    this.cache.keep(stream, { state, revision }, 'ifRoom');
  }

  /** The store has events of this stream the cache lacks (we appended, or lost a race): read them on next load. */
  invalidate(stream: string): void {
    this.cache.markStale(stream);
  }

  /**
   * Every stream's state, the cached ones from the cache and the others read in batches of 500 streams per query:
   * the states are returned, and kept only while the cache has room (bulk work does not evict), so a batch larger
   * than the cache's bound is still read once.
   */
  async loadMany<State>(streams: readonly string[], kind: AggregateKind<State>): Promise<Map<string, Loaded<State>>> {
    const loaded = new Map<string, Loaded<State>>();
    const missing: string[] = [];
    for (const stream of new Set(streams)) {
      const cached = this.fresh<State>(stream, 'ifRoom');
      if (cached) loaded.set(stream, cached);
      else missing.push(stream);
    }
    const read = this.store.readStreams?.bind(this.store);
    if (!read || !this.optimistic) {
      for (const stream of missing) loaded.set(stream, await this.read(stream, kind, 'ifRoom'));
      return loaded;
    }
    for (let from = 0; from < missing.length; from += 500) {
      const batch = missing.slice(from, from + 500);
      const page = await read(batch);
      for (const stream of batch) {
        const state = fold({ state: kind.initial(), revision: -1 }, page.get(stream) ?? [], kind);
        this.cache.keep(stream, state, 'ifRoom');
        loaded.set(stream, state);
      }
    }
    return loaded;
  }

  async load<State>(stream: string, kind: AggregateKind<State>): Promise<Loaded<State>> {
    return this.fresh<State>(stream, 'evict') ?? this.read(stream, kind, 'evict');
  }

  /**
   * Folds what the cache lacks of one stream, from the cached state, else from the stream's snapshot, else from its
   * start, and keeps it as `admission` says. A load that folded many events leaves a snapshot for the next.
   */
  private async read<State>(stream: string, kind: AggregateKind<State>, admission: Admission): Promise<Loaded<State>> {
    const known = this.cache.held(stream) as Loaded<State> | undefined;
    const from = known ?? (await this.fromSnapshot(stream, kind)) ?? { state: kind.initial(), revision: -1 };
    const events = await this.store.readStream(stream, from.revision + 1);
    const loaded = fold(from, events, kind);
    if (events.length >= this.snapshotAfterEvents) this.writeSnapshot(stream, loaded, kind);
    this.cache.keep(stream, loaded, admission);
    return loaded;
  }

  /** The stream's snapshot, if the store keeps one written by this domain code and the kind's codec. */
  private async fromSnapshot<State>(stream: string, kind: AggregateKind<State>): Promise<Loaded<State> | undefined> {
    const format = this.snapshotFormat(kind);
    if (format === undefined || !this.store.readSnapshot || !kind.snapshots) return undefined;
    const snapshot = await this.store.readSnapshot(stream);
    if (snapshot === undefined || snapshot.format !== format) return undefined;
    try {
      const state = kind.snapshots.decode(JSON.parse(snapshot.state));
      this.snapshotUse.read++;
      return { state, revision: snapshot.revision };
    } catch {
      // Not what this codec writes: the stream is folded from its start, and the load leaves a new snapshot.
      this.snapshotUse.failed++;
      return undefined;
    }
  }

  /**
   * Leaves a snapshot of a state just folded, without waiting: the store writes it off this thread where it can,
   * and a snapshot that is not written costs the next load a longer fold, nothing else.
   */
  private writeSnapshot<State>(stream: string, loaded: Loaded<State>, kind: AggregateKind<State>): void {
    const format = this.snapshotFormat(kind);
    if (format === undefined || !this.store.writeSnapshot || !kind.snapshots || loaded.revision < 0) return;
    let state: string;
    try {
      state = JSON.stringify(kind.snapshots.encode(loaded.state));
    } catch {
      this.snapshotUse.failed++;
      return;
    }
    this.store.writeSnapshot(stream, { revision: loaded.revision, format, state }).then(
      () => this.snapshotUse.written++,
      () => this.snapshotUse.failed++,
    );
  }

  private snapshotFormat(kind: AggregateKind<unknown>): string | undefined {
    if (!kind.snapshots) return undefined;
    const domain = this.snapshotDomain?.();
    return domain === undefined ? undefined : `${kind.snapshots.format} ${domain}`;
  }

  /**
   * Optimistic: a cached state nobody marked stale is used without asking the store. If another process appended
   * meanwhile, the append's expected revision refuses it; the engine marks the stream stale and decides again.
   */
  private fresh<State>(stream: string, admission: Admission): Loaded<State> | undefined {
    const cached = this.optimistic && !this.cache.isStale(stream) ? this.cache.take(stream, admission) : undefined;
    if (cached) this.hits++;
    else this.misses++;
    return cached as Loaded<State> | undefined;
  }
}

/** Folds a stream's events onto a state known up to some revision. */
function fold<State>(from: Loaded<State>, events: readonly StoredEvent[], kind: AggregateKind<State>): Loaded<State> {
  const known: DomainEvent[] = [];
  for (const stored of events) {
    const event = asDomainEvent(stored);
    if (event) known.push(event);
  }
  return {
    state: known.length === 0 ? from.state : kind.evolveAll(from.state, known),
    revision: events.at(-1)?.revision ?? from.revision,
  };
}
