import { categoryOf } from '../domain/streams';
import { TrainingPacker } from '../domain/userTraining/trainingPacking';
import type { TrainingState } from '../domain/userTraining/trainingState';
import { stateBytes } from './stateBytes';

/** A stream's folded state as of a revision. */
export interface Loaded<State> {
  state: State;
  /** Revision of the stream's last event, -1 for a new stream: the expected revision of the next append. */
  revision: number;
}

/** How a state not cached yet is taken in: pushing out the least recently used, or only into room left. */
export type Admission = 'evict' | 'ifRoom';

interface Unpacked extends Loaded<unknown> {
  bytes: number;
}

/** States held (of which packed), their estimated bytes, the bound, and the states unpacked since start. */
export interface StateCacheUsage {
  states: number;
  packed: number;
  bytes: number;
  maxBytes: number;
  unpacks: number;
}

/** A user's training kept packed (TrainingPacker): the cache's less recently used part. */
interface Packed {
  text: string;
  revision: number;
  bytes: number;
}

/**
 * The share of the bound that the least recently used unpacked states are packed down to before packed ones are
 * dropped: the users commands work on stay unpacked, whatever the number of users packed behind them.
 */
const UNPACKED_SHARE = 0.25;
/** A packed entry beside its text: the Map's entry, the entry object, the stream's name. */
const PACKED_ENTRY_BYTES = 140;
/** V8 keeps a string of Latin-1 characters at one byte a character, any other at two. */
const TWO_BYTE_CHARACTER = /[\u0100-\uffff]/;

/**
 * The folded states the command path keeps, bounded in estimated bytes of heap (issue #19). Past the bound the least
 * recently used users' training is packed (TrainingPacker: about a tenth of its heap, unpacked again in a few
 * microseconds when used) while the unpacked states take more than a quarter of the bound, then the least recently
 * packed are dropped; any other state (a profile, a group, a rule: a few hundred bytes) is dropped. Marks of staleness
 * go with the entries.
 *
 * Bulk work does not evict: a state it brings (`ifRoom`) is kept unpacked only while there is room, else packed if
 * packing the least recently used unpacked states down to their share makes room; bulk work never drops a state.
 */
export class StateCache {
  /** Unpacked states, least recently used first. */
  private readonly unpacked = new Map<string, Unpacked>();
  /** Packed states, least recently packed first. */
  private readonly packed = new Map<string, Packed>();
  private readonly packer = new TrainingPacker();
  private readonly stale = new Set<string>();
  /** Where packing and eviction go on from (see `oldest`). */
  private readonly cursors: { unpacked?: MapIterator<[string, Unpacked]>; packed?: MapIterator<[string, Packed]> } = {};
  private unpackedBytes = 0;
  private packedBytes = 0;
  private unpacks = 0;

  constructor(
    private readonly maxBytes: number,
    /** Off: past the bound states are dropped, least recently used first. */
    private readonly packing: boolean,
  ) {}

  get usage(): StateCacheUsage {
    return {
      states: this.unpacked.size + this.packed.size,
      packed: this.packed.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      unpacks: this.unpacks,
    };
  }

  /** The store holds events of this stream the cache lacks: the next load reads them. */
  markStale(stream: string): void {
    if (this.unpacked.has(stream) || this.packed.has(stream)) this.stale.add(stream);
  }

  isStale(stream: string): boolean {
    return this.stale.has(stream);
  }

  /**
   * The state held, now the most recently used. A packed state is unpacked; a command's (`evict`) is kept unpacked
   * from then on, bulk work's (`ifRoom`) stays packed unless there is room.
   */
  take(stream: string, admission: Admission): Loaded<unknown> | undefined {
    const unpacked = this.unpacked.get(stream);
    if (unpacked) {
      this.unpacked.delete(stream);
      this.unpacked.set(stream, unpacked);
      return unpacked;
    }
    const packed = this.packed.get(stream);
    const loaded = packed && this.unpack(stream, packed);
    if (!packed || !loaded) return undefined;
    if (admission === 'evict' || this.bytes - packed.bytes + stateBytes(stream, loaded.state) <= this.maxBytes)
      this.keep(stream, loaded, 'evict');
    return loaded;
  }

  /** The state held, stale or not, where it stands in the order of use (what a read folds newer events onto). */
  held(stream: string): Loaded<unknown> | undefined {
    const unpacked = this.unpacked.get(stream);
    if (unpacked) return unpacked;
    const packed = this.packed.get(stream);
    return packed && this.unpack(stream, packed);
  }

  /**
   * Keeps a stream's state, most recently used last, and makes room past the bound. A stream held unpacked is always
   * replaced; a new one is taken in either way (`evict`: a command's) or as bulk work's (see the class); a stream held
   * packed stays packed for bulk work unless there is room.
   */
  keep(stream: string, loaded: Loaded<unknown>, admission: Admission): void {
    this.stale.delete(stream);
    const previous = this.removeUnpacked(stream);
    this.removePacked(stream);
    const bytes = stateBytes(stream, loaded.state);
    if (admission === 'evict' || previous || this.bytes + bytes <= this.maxBytes) {
      this.unpacked.set(stream, { state: loaded.state, revision: loaded.revision, bytes });
      this.unpackedBytes += bytes;
      this.makeRoom();
      return;
    }
    const packed = this.packs(stream) ? this.packedEntry(loaded) : undefined;
    if (!packed) return;
    this.addPacked(stream, packed);
    while (this.bytes > this.maxBytes && this.unpackedBytes > this.maxBytes * UNPACKED_SHARE) this.packOldest();
    if (this.bytes <= this.maxBytes) return;
    this.removePacked(stream);
    // Over only if packing added a source to the packer's pool.
    this.makeRoom();
  }

  /** Estimated bytes: unpacked states, packed ones and the sources the packed ones share. */
  private get bytes(): number {
    return this.unpackedBytes + this.packedBytes + this.packer.poolBytes;
  }

  /** A packed state unpacked; one that cannot be is dropped (a cache: its user is read from the store instead). */
  private unpack(stream: string, packed: Packed): Loaded<unknown> | undefined {
    this.unpacks++;
    try {
      return { state: this.packer.unpack(packed.text), revision: packed.revision };
    } catch {
      this.removePacked(stream);
      this.stale.delete(stream);
      return undefined;
    }
  }

  /**
   * Past the bound: the least recently used unpacked states are packed while the unpacked ones take more than their
   * share, then the least recently packed are dropped (with packing off, the least recently used). The most recently
   * used state stays.
   */
  private makeRoom(): void {
    while (this.bytes > this.maxBytes) {
      const overShare = this.unpackedBytes > this.maxBytes * UNPACKED_SHARE;
      if (this.unpacked.size > 1 && overShare && this.packing) this.packOldest();
      else if (this.packed.size > 0) this.dropOldestPacked();
      else if (this.unpacked.size > 1) this.stale.delete(this.removeOldestUnpacked()[0]);
      else return;
    }
  }

  /** Packs the least recently used unpacked state, or drops it if it is not a user's training (or cannot be packed). */
  private packOldest(): void {
    const [stream, entry] = this.removeOldestUnpacked();
    const packed = this.packs(stream) ? this.packedEntry(entry) : undefined;
    if (packed) this.addPacked(stream, packed);
    else this.stale.delete(stream);
  }

  private removeOldestUnpacked(): [string, Unpacked] {
    const oldest = this.oldest(this.unpacked, 'unpacked');
    this.removeUnpacked(oldest[0]);
    return oldest;
  }

  private dropOldestPacked(): void {
    const [stream] = this.oldest(this.packed, 'packed');
    this.removePacked(stream);
    this.stale.delete(stream);
  }

  private removeUnpacked(stream: string): Unpacked | undefined {
    const entry = this.unpacked.get(stream);
    if (entry) {
      this.unpacked.delete(stream);
      this.unpackedBytes -= entry.bytes;
    }
    return entry;
  }

  private addPacked(stream: string, packed: Packed): void {
    this.packed.set(stream, packed);
    this.packedBytes += packed.bytes;
  }

  private removePacked(stream: string): void {
    const entry = this.packed.get(stream);
    if (!entry) return;
    this.packed.delete(stream);
    this.packedBytes -= entry.bytes;
  }

  /** Only users' training is packed: the other states are few, or small. */
  private packs(stream: string): boolean {
    return this.packing && categoryOf(stream) === 'training';
  }

  /** The packed entry of a state; undefined if it cannot be packed (the caller drops the state: a cache). */
  private packedEntry(loaded: Loaded<unknown>): Packed | undefined {
    let text: string;
    try {
      text = this.packer.pack(loaded.state as TrainingState);
    } catch {
      return undefined;
    }
    const characterBytes = TWO_BYTE_CHARACTER.test(text) ? 2 : 1;
    return { text, revision: loaded.revision, bytes: PACKED_ENTRY_BYTES + 16 + text.length * characterBytes };
  }

  /**
   * The least recently used entry, from an iterator kept between evictions. Every entry before its place was
   * evicted, or used and so moved to the end (delete, then set), where the iterator meets it again: the next entry
   * it gives is the oldest. A new iterator each time starts at the front of the Map's table and steps over every
   * entry deleted since the table was last compacted (thousands when the cache turns over): 6.6 against 0.7 µs a
   * miss in a micro-benchmark of 24,000 states.
   */
  private oldest<Entry>(map: Map<string, Entry>, which: 'unpacked' | 'packed'): [string, Entry] {
    const cursors = this.cursors as { [key in typeof which]?: MapIterator<[string, Entry]> };
    let next = cursors[which]?.next();
    if (next === undefined || next.done) {
      cursors[which] = map.entries();
      next = (cursors[which] as MapIterator<[string, Entry]>).next();
    }
    return next.value as [string, Entry];
  }
}
