/**
 * In-process turns on a stream, taken only after a conflict: commands that collided on one stream retry one at a
 * time instead of all re-reading the same revision and colliding again (which lets only one through per round).
 * A command holds at most one turn, so turns cannot deadlock.
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for the stream's turn; the returned function gives it up. */
  async acquire(stream: string): Promise<() => void> {
    const previous = this.tails.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(stream, tail);
    await previous;
    return () => {
      release();
      // The last holder leaves no entry behind.
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    };
  }
}
