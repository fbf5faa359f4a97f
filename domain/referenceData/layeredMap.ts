/**
 * A map that reads through to a base map and keeps its own writes and deletions in a layer of its own: how a fork of
 * the reference data folds planned events (a preview) without copying a portal's hundreds of thousands of entries or
 * touching what every other decision reads. Iteration yields the layer's entries first, then the base's untouched ones.
 */
export class LayeredMap<K, V> extends Map<K, V> {
  private readonly removed = new Set<K>();

  constructor(private readonly base: ReadonlyMap<K, V>) {
    super();
  }

  override get(key: K): V | undefined {
    if (super.has(key)) return super.get(key);
    return this.removed.has(key) ? undefined : this.base.get(key);
  }

  override has(key: K): boolean {
    return super.has(key) || (!this.removed.has(key) && this.base.has(key));
  }

  override set(key: K, value: V): this {
    this.removed.delete(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const had = this.has(key);
    super.delete(key);
    if (this.base.has(key)) this.removed.add(key);
    return had;
  }

  override clear(): void {
    super.clear();
    for (const key of this.base.keys()) this.removed.add(key);
  }

  override get size(): number {
    let size = super.size;
    for (const key of this.base.keys()) if (this.fromBase(key)) size++;
    return size;
  }

  override *entries(): MapIterator<[K, V]> {
    yield* super.entries();
    for (const entry of this.base.entries()) if (this.fromBase(entry[0])) yield entry;
  }

  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  /**
   * The entry's value for changing in place: a value still shared with the base is copied into the layer first, so
   * the base never sees the change.
   */
  writable(key: K, copy: (value: V) => V): V | undefined {
    if (super.has(key)) return super.get(key);
    if (this.removed.has(key) || !this.base.has(key)) return undefined;
    const value = copy(this.base.get(key) as V);
    super.set(key, value);
    return value;
  }

  private fromBase(key: K): boolean {
    return !super.has(key) && !this.removed.has(key);
  }
}

/** The entry's value for changing in place, copied first when the map is a layer over a base. */
export function writableEntry<K, V>(map: Map<K, V>, key: K, copy: (value: V) => V): V | undefined {
  return map instanceof LayeredMap ? map.writable(key, copy) : map.get(key);
}
