/**
 * The EventStore contract: every adapter runs this suite (see memoryEventStore.test.ts, sqliteEventStore.test.ts).
 * Correctness only; no timing assertions.
 */
import { randomUUID } from 'node:crypto';
import {
  DuplicateCommandError,
  type EventMetadata,
  type EventStore,
  EventStoreUnavailableError,
  type ExpectedRevision,
  type NewEvent,
  type StoredEvent,
  type Subscription,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';

export interface StoreFixture {
  store: EventStore;
  cleanup(): Promise<void>;
}

const metadata: EventMetadata = {
  actorId: 'admin',
  commandId: 'c1',
  correlationId: 'c1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

function event(type = 'Happened', data: unknown = { n: 1 }): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

function events(count: number, type = 'Happened'): NewEvent[] {
  return Array.from({ length: count }, (_, n) => event(type, { n }));
}

/** Settles with the next value, or fails after `ms` (so a broken subscription fails fast instead of hanging). */
async function nextWithin(iterator: AsyncIterator<StoredEvent>, ms = 5000): Promise<IteratorResult<StoredEvent>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([iterator.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function take(iterator: AsyncIterator<StoredEvent>, count: number): Promise<StoredEvent[]> {
  const taken: StoredEvent[] = [];
  while (taken.length < count) {
    const result = await nextWithin(iterator);
    if (result.done === true) throw new Error(`subscription ended after ${taken.length} of ${count} events`);
    taken.push(result.value);
  }
  return taken;
}

function ids(list: { id: string }[]): string[] {
  return list.map((e) => e.id);
}

async function expectConflict(
  promise: Promise<unknown>,
  expected: { stream: string; expected: ExpectedRevision; actual: number },
): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  const conflict = error as WrongExpectedRevisionError;
  expect({ stream: conflict.stream, expected: conflict.expected, actual: conflict.actual }).toEqual(expected);
}

export interface ContractOptions {
  /** Positions are 1, 2, 3… (SQLite, memory). EventStoreDB's are log offsets: increasing, with gaps. */
  densePositions?: boolean;
  /** The store can tell that an event id is already used in a stream the append does not touch. */
  detectsIdsAcrossStreams?: boolean;
  /** The store has the optional `readReferenceData` (SQLite, memory): its tests run only where it exists. */
  readsReferenceData?: boolean;
  /** The store keeps snapshots (the optional readSnapshot and writeSnapshot). */
  keepsSnapshots?: boolean;
}

export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  options: ContractOptions = {},
): void {
  const dense = options.densePositions ?? true;
  describe(`EventStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: EventStore;
    const subscriptions: Subscription[] = [];

    /** The position of the n-th event stored: n itself on a store with dense positions. */
    async function nth(n: number): Promise<number> {
      const position = (await store.readAll(0, n))[n - 1]?.position;
      if (position === undefined) throw new Error(`fewer than ${n} events stored`);
      return position;
    }

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await fixture.cleanup();
    });

    function subscribe(fromPosition: number): Subscription {
      const subscription = store.subscribe({ fromPosition });
      subscriptions.push(subscription);
      return subscription;
    }

    describe('reading and ordering', () => {
      it('reads a stream back in append order, revisions from 0, with data and metadata as objects', async () => {
        const first = [event('Created', { name: 'a', tags: ['x'] }), event('Renamed', { name: 'b' })];
        const second = [event('Archived', { reason: null })];
        await store.append([{ stream: 'course-1', expectedRevision: 'no_stream', events: first }]);
        await store.append([{ stream: 'course-1', expectedRevision: 1, events: second }]);

        const read = await store.readStream('course-1');
        expect(read.map((e) => [e.id, e.type, e.revision, e.stream])).toEqual([
          [first[0]?.id, 'Created', 0, 'course-1'],
          [first[1]?.id, 'Renamed', 1, 'course-1'],
          [second[0]?.id, 'Archived', 2, 'course-1'],
        ]);
        expect(read.map((e) => e.data)).toEqual([{ name: 'a', tags: ['x'] }, { name: 'b' }, { reason: null }]);
        expect(read[0]?.metadata).toEqual(metadata);
        expect(await store.streamRevision('course-1')).toBe(2);
      });

      it('reads a stream from a given revision on', async () => {
        const written = events(5);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const read = await store.readStream('s', 3);
        expect(ids(read)).toEqual(ids(written.slice(3)));
        expect(read.map((e) => e.revision)).toEqual([3, 4]);
        expect(await store.readStream('s', 5)).toEqual([]);
      });

      it('reads an unknown stream as empty, with revision -1', async () => {
        expect(await store.readStream('nowhere')).toEqual([]);
        expect(await store.streamRevision('nowhere')).toBe(-1);
      });

      it('reports head position 0 when empty and the last position afterwards', async () => {
        expect(await store.headPosition()).toBe(0);
        expect(await store.readAll(0, 10)).toEqual([]);
        const result = await store.append([{ stream: 's', expectedRevision: 'any', events: events(3) }]);
        expect(await store.headPosition()).toBe(await nth(3));
        expect(result.position).toBe(await nth(3));
      });

      it('orders readAll by global positions that start at 1 and increase strictly across streams', async () => {
        const a1 = event();
        const b1 = event();
        const a2 = event();
        const c1 = event();
        await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: [a1] }]);
        await store.append([{ stream: 'b', expectedRevision: 'no_stream', events: [b1] }]);
        await store.append([
          { stream: 'a', expectedRevision: 0, events: [a2] },
          { stream: 'c', expectedRevision: 'no_stream', events: [c1] },
        ]);

        const all = await store.readAll(0, 100);
        expect(ids(all)).toEqual(ids([a1, b1, a2, c1]));
        expect(all.map((e) => e.stream)).toEqual(['a', 'b', 'a', 'c']);
        if (dense) expect(all[0]?.position).toBe(1);
        for (let i = 1; i < all.length; i++) {
          expect(all[i]?.position).toBeGreaterThan(all[i - 1]?.position ?? Infinity);
        }
        const streamA = await store.readStream('a');
        expect(streamA.map((e) => e.position)).toEqual([all[0]?.position, all[2]?.position]);
      });

      it('pages readAll with a limit, returning events after the given position', async () => {
        const written = events(7);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const pages: StoredEvent[][] = [];
        let from = 0;
        for (;;) {
          const page = await store.readAll(from, 3);
          pages.push(page);
          const last = page[page.length - 1];
          if (last === undefined) break;
          from = last.position;
        }
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1, 0]);
        expect(ids(pages.flat())).toEqual(ids(written));
        expect(ids(await store.readAll(await nth(5), 100))).toEqual(ids(written.slice(5)));
      });

      it('returns fresh copies: changing a read event does not change the store', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: [event('T', { n: 1 })] }]);
        const [read] = await store.readStream('s');
        (read?.data as { n: number }).n = 99;
        const [again] = await store.readStream('s');
        expect(again?.data).toEqual({ n: 1 });
      });
    });

    describe('append results', () => {
      it('returns each stream’s next revision and last position, and the highest position written', async () => {
        await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: events(2) }]);
        const result = await store.append([
          { stream: 'a', expectedRevision: 1, events: events(1) },
          { stream: 'b', expectedRevision: 'no_stream', events: events(3) },
        ]);
        const { firstPosition, ...rest } = result;
        expect(rest).toEqual({
          streams: [
            { stream: 'a', nextRevision: 2, position: await nth(3) },
            { stream: 'b', nextRevision: 2, position: await nth(6) },
          ],
          position: await nth(6),
        });
        // A store that says where the append began says it right: its first event, the rest following it.
        if (firstPosition !== undefined) expect(firstPosition).toBe(await nth(3));
      });

      it('returns position 0 for a write without events, and the head as the overall position', async () => {
        await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: events(2) }]);
        const result = await store.append([
          { stream: 'a', expectedRevision: 1, events: [] },
          { stream: 'empty', expectedRevision: 'no_stream', events: [] },
        ]);
        expect(result).toEqual({
          streams: [
            { stream: 'a', nextRevision: 1, position: 0 },
            { stream: 'empty', nextRevision: -1, position: 0 },
          ],
          position: await nth(2),
        });
        expect(await store.streamRevision('empty')).toBe(-1);
        expect(await store.headPosition()).toBe(await nth(2));
      });

      it('checks the expected revision of a write without events', async () => {
        await expectConflict(store.append([{ stream: 'a', expectedRevision: 'stream_exists', events: [] }]), {
          stream: 'a',
          expected: 'stream_exists',
          actual: -1,
        });
      });
    });

    describe('expected revision', () => {
      it('accepts no_stream on a new stream, then an exact revision, stream_exists and any', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(1) }]);
        await store.append([{ stream: 's', expectedRevision: 0, events: events(1) }]);
        await store.append([{ stream: 's', expectedRevision: 'stream_exists', events: events(1) }]);
        await store.append([{ stream: 's', expectedRevision: 'any', events: events(1) }]);
        await store.append([{ stream: 'fresh', expectedRevision: 'any', events: events(1) }]);
        expect(await store.streamRevision('s')).toBe(3);
        expect(await store.streamRevision('fresh')).toBe(0);
      });

      it('refuses no_stream on a stream that exists, storing nothing', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(2) }]);
        await expectConflict(store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(1) }]), {
          stream: 's',
          expected: 'no_stream',
          actual: 1,
        });
        expect(await store.readStream('s')).toHaveLength(2);
        expect(await store.headPosition()).toBe(await nth(2));
      });

      it('refuses an exact revision that is not the stream’s last, storing nothing', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(3) }]);
        await expectConflict(store.append([{ stream: 's', expectedRevision: 1, events: events(1) }]), {
          stream: 's',
          expected: 1,
          actual: 2,
        });
        await expectConflict(store.append([{ stream: 's', expectedRevision: 5, events: events(1) }]), {
          stream: 's',
          expected: 5,
          actual: 2,
        });
        expect(await store.streamRevision('s')).toBe(2);
        expect(await store.headPosition()).toBe(await nth(3));
      });

      it('refuses an exact revision on a stream that does not exist, reporting actual -1', async () => {
        await expectConflict(store.append([{ stream: 's', expectedRevision: 0, events: events(1) }]), {
          stream: 's',
          expected: 0,
          actual: -1,
        });
        expect(await store.readStream('s')).toEqual([]);
      });

      it('refuses stream_exists on a missing stream, reporting actual -1 and storing nothing', async () => {
        await expectConflict(store.append([{ stream: 's', expectedRevision: 'stream_exists', events: events(1) }]), {
          stream: 's',
          expected: 'stream_exists',
          actual: -1,
        });
        expect(await store.readStream('s')).toEqual([]);
        expect(await store.streamRevision('s')).toBe(-1);
        expect(await store.headPosition()).toBe(0);
      });

      it('stores nothing of any stream when one write of a multi-stream append conflicts', async () => {
        await store.append([{ stream: 'taken', expectedRevision: 'no_stream', events: events(1) }]);
        await expectConflict(
          store.append([
            { stream: 'a', expectedRevision: 'no_stream', events: events(2) },
            { stream: 'taken', expectedRevision: 'no_stream', events: events(1) },
            { stream: 'b', expectedRevision: 'no_stream', events: events(1) },
          ]),
          { stream: 'taken', expected: 'no_stream', actual: 0 },
        );
        expect(await store.readStream('a')).toEqual([]);
        expect(await store.readStream('b')).toEqual([]);
        expect(await store.streamRevision('a')).toBe(-1);
        expect(await store.readAll(0, 100)).toHaveLength(1);
        expect(await store.headPosition()).toBe(await nth(1));
        // The refused ids were not kept: the same write succeeds afterwards.
        await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: events(1) }]);
        expect(await store.headPosition()).toBe(await nth(2));
      });

      it('lets a write see earlier writes to the same stream in one append', async () => {
        const result = await store.append([
          { stream: 's', expectedRevision: 'no_stream', events: events(1) },
          { stream: 's', expectedRevision: 0, events: events(1) },
        ]);
        expect(result.streams.map((s) => s.nextRevision)).toEqual([0, 1]);
        expect(await store.streamRevision('s')).toBe(1);
      });
    });

    describe('idempotent re-append', () => {
      it('returns the original result and stores nothing when the same event ids are appended again', async () => {
        const written = events(3);
        const original = await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        await store.append([{ stream: 'other', expectedRevision: 'no_stream', events: events(1) }]);

        const again = await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        expect(again.streams).toEqual(original.streams);
        expect(again.streams).toEqual([{ stream: 's', nextRevision: 2, position: await nth(3) }]);
        expect(again.position).toBe(await nth(4)); // nothing written: the head
        expect(await store.readStream('s')).toHaveLength(3);
        expect(await store.headPosition()).toBe(await nth(4));
      });

      it('matches a replay of events in the middle of a stream to their original revision and position', async () => {
        const first = events(2);
        const second = events(2);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: first }]);
        await store.append([{ stream: 's', expectedRevision: 1, events: second }]);

        const replay = await store.append([{ stream: 's', expectedRevision: 1, events: first }]);
        expect(replay.streams).toEqual([{ stream: 's', nextRevision: 1, position: await nth(2) }]);
        const replaySecond = await store.append([{ stream: 's', expectedRevision: 'any', events: second }]);
        expect(replaySecond.streams).toEqual([{ stream: 's', nextRevision: 3, position: await nth(4) }]);
        expect(await store.headPosition()).toBe(await nth(4));
      });

      it('stores the new writes of an append whose other write is a replay', async () => {
        const written = events(1);
        await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: written }]);
        const result = await store.append([
          { stream: 'a', expectedRevision: 'no_stream', events: written },
          { stream: 'b', expectedRevision: 'no_stream', events: events(1) },
        ]);
        expect(result.streams).toEqual([
          { stream: 'a', nextRevision: 0, position: await nth(1) },
          { stream: 'b', nextRevision: 0, position: await nth(2) },
        ]);
        expect(result.position).toBe(await nth(2));
      });

      it('refuses a re-append whose ids only partly match the stored ones, storing nothing', async () => {
        const written = events(2);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const extra = event();
        await expectConflict(store.append([{ stream: 's', expectedRevision: 'any', events: [...written, extra] }]), {
          stream: 's',
          expected: 'any',
          actual: 1,
        });
        const firstOnlyThenNew = [written[0] ?? event(), event()];
        await expectConflict(store.append([{ stream: 's', expectedRevision: 0, events: firstOnlyThenNew }]), {
          stream: 's',
          expected: 0,
          actual: 1,
        });
        expect(ids(await store.readStream('s'))).toEqual(ids(written));
        expect(await store.headPosition()).toBe(await nth(2));
      });

      it('refuses stored ids given in another order', async () => {
        const written = events(2);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        await expectConflict(store.append([{ stream: 's', expectedRevision: 'any', events: [...written].reverse() }]), {
          stream: 's',
          expected: 'any',
          actual: 1,
        });
        expect(await store.headPosition()).toBe(await nth(2));
      });

      it('refuses a write whose first event is new but a later one is already stored', async () => {
        const written = events(1);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const fresh = event();
        await expectConflict(store.append([{ stream: 's', expectedRevision: 0, events: [fresh, ...written] }]), {
          stream: 's',
          expected: 0,
          actual: 0,
        });
        expect(ids(await store.readStream('s'))).toEqual(ids(written));
        expect(await store.headPosition()).toBe(await nth(1));
      });

      if (options.detectsIdsAcrossStreams === false) {
        // EventStoreDB cannot look an id up across streams (no index by id): the adapter's documented limit, asserted.
        it('stores an event id already stored in another stream (no index by id: a documented limit)', async () => {
          const written = events(1);
          await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: written }]);
          await store.append([{ stream: 'b', expectedRevision: 'any', events: written }]);
          expect(ids(await store.readStream('b'))).toEqual(ids(written));
        });
      } else {
        it('refuses an event id already stored in another stream', async () => {
          const written = events(1);
          await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: written }]);
          await expectConflict(store.append([{ stream: 'b', expectedRevision: 'any', events: written }]), {
            stream: 'b',
            expected: 'any',
            actual: -1,
          });
          expect(await store.readStream('b')).toEqual([]);
          expect(await store.headPosition()).toBe(await nth(1));
        });
      }

      it('refuses the same id twice in one write', async () => {
        const once = event();
        await expectConflict(store.append([{ stream: 's', expectedRevision: 'no_stream', events: [once, once] }]), {
          stream: 's',
          expected: 'no_stream',
          actual: -1,
        });
        expect(await store.headPosition()).toBe(0);
      });
    });

    // Only where the store has it: registered nowhere else (no skipped tests).
    if (options.readsReferenceData) {
      describe('reference data (optional readReferenceData)', () => {
        /** Reference events are every stream's but `training-*`. */
        async function positionsOf(from: number, to = Number.MAX_SAFE_INTEGER, limit = 100, types: string[] = []) {
          const read = store.readReferenceData?.bind(store);
          if (!read) throw new Error('this store has no readReferenceData');
          return (await read(from, to, limit, types)).map((event) => `${event.stream}@${event.position}`);
        }

        it('reads the events of every stream but training ones, past a position, up to another, in order', async () => {
          await store.append([{ stream: 'user-a', expectedRevision: 'no_stream', events: events(1) }]);
          await store.append([{ stream: 'training-a', expectedRevision: 'no_stream', events: events(3) }]);
          await store.append([{ stream: 'course-c', expectedRevision: 'no_stream', events: events(2) }]);
          await store.append([{ stream: 'training-b', expectedRevision: 'no_stream', events: events(1) }]);
          const [a, c1, c2] = [await nth(1), await nth(5), await nth(6)];
          expect(await positionsOf(0)).toEqual([`user-a@${a}`, `course-c@${c1}`, `course-c@${c2}`]);
          // Past the last reference event (training events after it): none.
          expect(await positionsOf(c2)).toEqual([]);
          expect(await positionsOf(a)).toEqual([`course-c@${c1}`, `course-c@${c2}`]);
          expect(await positionsOf(a, c1)).toEqual([`course-c@${c1}`]);
          expect(await positionsOf(0, Number.MAX_SAFE_INTEGER, 2)).toEqual([`user-a@${a}`, `course-c@${c1}`]);
          // With training events of the given types among them.
          expect(await positionsOf(a, Number.MAX_SAFE_INTEGER, 100, ['Happened'])).toHaveLength(6);
        });

        it('finds nothing of an append refused for a conflict', async () => {
          await store.append([{ stream: 'taken', expectedRevision: 'no_stream', events: events(1) }]);
          await expectConflict(
            store.append([
              { stream: 'user-a', expectedRevision: 'no_stream', events: events(2) },
              { stream: 'taken', expectedRevision: 'no_stream', events: events(1) },
            ]),
            { stream: 'taken', expected: 'no_stream', actual: 0 },
          );
          await store.append([{ stream: 'training-a', expectedRevision: 'no_stream', events: events(1) }]);
          expect(await positionsOf(await nth(1))).toEqual([]);
          await store.append([{ stream: 'user-b', expectedRevision: 'no_stream', events: events(1) }]);
          expect(await positionsOf(await nth(1))).toEqual([`user-b@${await nth(3)}`]);
        });
      });
    }

    // Only where the store has them: registered nowhere else (no skipped tests).
    if (options.keepsSnapshots) {
      describe('snapshots (optional readSnapshot and writeSnapshot)', () => {
        const snapshot = (revision: number, format = 'f1', state = `{"at":${revision}}`) => ({
          revision,
          format,
          state,
        });
        async function read(stream: string) {
          if (!store.readSnapshot) throw new Error('this store has no readSnapshot');
          return store.readSnapshot(stream);
        }
        async function write(stream: string, offered: ReturnType<typeof snapshot>) {
          if (!store.writeSnapshot) throw new Error('this store has no writeSnapshot');
          await store.writeSnapshot(stream, offered);
        }

        it("keeps a stream's snapshot and reads it back as written; a stream with none reads as none", async () => {
          await store.append([{ stream: 'training-a', expectedRevision: 'no_stream', events: events(3) }]);
          expect(await read('training-a')).toBeUndefined();
          await write('training-a', snapshot(1, 'f1', '[{"courseId":"c","text":"é \\u2028"}]'));
          expect(await read('training-a')).toEqual(snapshot(1, 'f1', '[{"courseId":"c","text":"é \\u2028"}]'));
          expect(await read('training-b')).toBeUndefined();
          // Ids are the caller's: a stream named like an Object.prototype member is a stream like any other.
          await store.append([{ stream: 'constructor', expectedRevision: 'no_stream', events: events(1) }]);
          expect(await read('constructor')).toBeUndefined();
          await write('constructor', snapshot(0));
          expect(await read('constructor')).toEqual(snapshot(0));
        });

        it('keeps the later of two snapshots of one format, whatever order they come in; another format replaces it', async () => {
          await store.append([{ stream: 'training-a', expectedRevision: 'no_stream', events: events(5) }]);
          await write('training-a', snapshot(3));
          await write('training-a', snapshot(2));
          expect(await read('training-a')).toEqual(snapshot(3));
          await write('training-a', snapshot(4));
          expect(await read('training-a')).toEqual(snapshot(4));
          await write('training-a', snapshot(1, 'f2'));
          expect(await read('training-a')).toEqual(snapshot(1, 'f2'));
        });

        it("keeps no snapshot past the stream's last event, nor of a stream without events", async () => {
          await store.append([{ stream: 'training-a', expectedRevision: 'no_stream', events: events(2) }]);
          await write('training-a', snapshot(2));
          await write('training-none', snapshot(0));
          await write('training-a', snapshot(-1));
          expect(await read('training-a')).toBeUndefined();
          expect(await read('training-none')).toBeUndefined();
        });

        it('a snapshot changes no event, revision or head', async () => {
          await store.append([{ stream: 'training-a', expectedRevision: 'no_stream', events: events(2) }]);
          const before = [await store.readStream('training-a'), await store.headPosition()];
          await write('training-a', snapshot(1));
          expect([await store.readStream('training-a'), await store.headPosition()]).toEqual(before);
          expect(await store.streamRevision('training-a')).toBe(1);
        });
      });
    }

    describe('command records', () => {
      it('records the command’s reply with the events and finds it by command id', async () => {
        const reply = { ok: true, assignmentIds: ['x', 'y'], nested: { n: 1 } };
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(1) }], {
          command: { commandId: 'cmd-1', reply },
        });
        expect(await store.findCommand('cmd-1')).toEqual({ commandId: 'cmd-1', reply, position: await nth(1) });
      });

      it('R21: keeps who the command came from and its type, so the first reply goes back only to them', async () => {
        const owner = { actorId: 'admin', type: 'ExemptUser' };
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(1) }], {
          command: { commandId: 'owned', reply: { ok: true }, owner },
        });
        expect(await store.findCommand('owned')).toEqual({
          commandId: 'owned',
          reply: { ok: true },
          position: await nth(1),
          owner,
        });
      });

      it('finds no record for an unknown command id', async () => {
        expect(await store.findCommand('never')).toBeUndefined();
      });

      it('records a command that stored no events', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(2) }]);
        await store.append([], { command: { commandId: 'noop', reply: 'nothing to do' } });
        expect(await store.findCommand('noop')).toEqual({
          commandId: 'noop',
          reply: 'nothing to do',
          position: await nth(2),
        });
      });

      it('refuses a duplicate command id, storing neither its events nor a new reply', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(1) }], {
          command: { commandId: 'cmd-1', reply: { first: true } },
        });
        const error: unknown = await store
          .append([{ stream: 'other', expectedRevision: 'no_stream', events: events(1) }], {
            command: { commandId: 'cmd-1', reply: { first: false } },
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(DuplicateCommandError);
        expect((error as DuplicateCommandError).commandId).toBe('cmd-1');
        expect(await store.readStream('other')).toEqual([]);
        expect(await store.headPosition()).toBe(await nth(1));
        expect(await store.findCommand('cmd-1')).toEqual({
          commandId: 'cmd-1',
          reply: { first: true },
          position: await nth(1),
        });
      });

      it('keeps no command record when the append is refused for a conflict', async () => {
        await expectConflict(
          store.append([{ stream: 's', expectedRevision: 'stream_exists', events: events(1) }], {
            command: { commandId: 'cmd-2', reply: { ok: true } },
          }),
          { stream: 's', expected: 'stream_exists', actual: -1 },
        );
        expect(await store.findCommand('cmd-2')).toBeUndefined();
      });
    });

    describe('checkpoints', () => {
      it('reads an unknown checkpoint as 0 and a written one back, the last write winning', async () => {
        expect(await store.readCheckpoint('reactor')).toBe(0);
        await store.writeCheckpoint('reactor', 5);
        expect(await store.readCheckpoint('reactor')).toBe(5);
        await store.writeCheckpoint('reactor', 12);
        expect(await store.readCheckpoint('reactor')).toBe(12);
      });

      it('keeps checkpoints apart by name', async () => {
        await store.writeCheckpoint('one', 3);
        await store.writeCheckpoint('two', 7);
        expect(await store.readCheckpoint('one')).toBe(3);
        expect(await store.readCheckpoint('two')).toBe(7);
      });
    });

    describe('subscriptions', () => {
      it('delivers stored events, then events appended afterwards, in order, and ends the loop when closed', async () => {
        const before = events(3);
        await store.append([{ stream: 'a', expectedRevision: 'no_stream', events: before }]);
        const subscription = subscribe(0);
        const received: StoredEvent[] = [];
        let caughtUp!: () => void;
        const caughtUpSignal = new Promise<void>((resolve) => (caughtUp = resolve));
        let allArrived!: () => void;
        const allArrivedSignal = new Promise<void>((resolve) => (allArrived = resolve));
        const after = [event(), event(), event()];

        const loop = (async () => {
          for await (const e of subscription) {
            received.push(e);
            if (received.length === before.length) caughtUp();
            if (received.length === before.length + after.length) allArrived();
          }
        })();

        await caughtUpSignal;
        await store.append([{ stream: 'b', expectedRevision: 'no_stream', events: [after[0] ?? event()] }]);
        await store.append([
          { stream: 'a', expectedRevision: 2, events: [after[1] ?? event()] },
          { stream: 'b', expectedRevision: 0, events: [after[2] ?? event()] },
        ]);
        await allArrivedSignal;
        await subscription.close();
        await loop; // the for-await loop ends once closed

        expect(ids(received)).toEqual(ids([...before, ...after]));
        expect(received.map((e) => e.position)).toEqual(await Promise.all([1, 2, 3, 4, 5, 6].map(nth)));
      });

      it('delivers only events after the given position', async () => {
        const written = events(5);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const iterator = subscribe(await nth(3))[Symbol.asyncIterator]();
        expect(ids(await take(iterator, 2))).toEqual(ids(written.slice(3)));
      });

      it('wakes a caught-up subscription when an event is appended', async () => {
        const iterator = subscribe(0)[Symbol.asyncIterator]();
        const pending = iterator.next();
        const later = event();
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: [later] }]);
        const result = await pending;
        expect(result.done).toBe(false);
        expect(result.value?.id).toBe(later.id);
      });

      it('keeps two subscriptions independent', async () => {
        const written = events(4);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const fromStart = subscribe(0);
        const fromTwo = subscribe(await nth(2));
        const one = fromStart[Symbol.asyncIterator]();
        const two = fromTwo[Symbol.asyncIterator]();

        expect(ids(await take(two, 2))).toEqual(ids(written.slice(2)));
        expect(ids(await take(one, 1))).toEqual(ids(written.slice(0, 1)));
        await fromTwo.close();
        expect(await two.next()).toEqual({ done: true, value: undefined });

        const more = event();
        await store.append([{ stream: 's', expectedRevision: 3, events: [more] }]);
        expect(ids(await take(one, 4))).toEqual(ids([...written.slice(1), more]));
      });

      it('resolves a pending next() as done when closed', async () => {
        const subscription = subscribe(0);
        const pending = subscription[Symbol.asyncIterator]().next();
        await subscription.close();
        expect(await pending).toEqual({ done: true, value: undefined });
      });

      it('closes the subscription when the consumer breaks out of the loop', async () => {
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: events(3) }]);
        const subscription = subscribe(0);
        const seen: StoredEvent[] = [];
        for await (const e of subscription) {
          seen.push(e);
          if (seen.length === 2) break;
        }
        expect(seen).toHaveLength(2);
        expect(await subscription[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
      });

      it('ends subscriptions when the store closes', async () => {
        const subscription = subscribe(0);
        const pending = subscription[Symbol.asyncIterator]().next();
        await store.close();
        expect(await pending).toEqual({ done: true, value: undefined });
      });

      it('catches up over many pages without losing or repeating events', async () => {
        const written = events(1200);
        await store.append([{ stream: 's', expectedRevision: 'no_stream', events: written }]);
        const iterator = subscribe(0)[Symbol.asyncIterator]();
        const received = await take(iterator, written.length);
        expect(ids(received)).toEqual(ids(written));
      });
    });

    describe('bulk', () => {
      it('appends 1,000 streams in one call and reads every one back', async () => {
        const writes = Array.from({ length: 1000 }, (_, n) => ({
          stream: `bulk-${n}`,
          expectedRevision: 'no_stream' as const,
          events: [event('Bulk', { n })],
        }));
        const result = await store.append(writes);
        expect(result.streams).toHaveLength(1000);
        expect(result.position).toBe(await nth(1000));
        expect(result.streams[999]).toEqual({ stream: 'bulk-999', nextRevision: 0, position: await nth(1000) });

        const all = await store.readAll(0, 2000);
        expect(ids(all)).toEqual(writes.map((w) => w.events[0]?.id));
        for (const n of [0, 1, 500, 999]) {
          const read = await store.readStream(`bulk-${n}`);
          expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([['Bulk', 0, { n }]]);
          expect(await store.streamRevision(`bulk-${n}`)).toBe(0);
        }
      });
    });

    describe('closing', () => {
      it('refuses every operation after close as unavailable, and closing twice is harmless', async () => {
        await store.close();
        await store.close();
        await expect(
          store.append([{ stream: 's', expectedRevision: 'any', events: events(1) }]),
        ).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readStream('s')).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readAll(0, 10)).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.findCommand('c')).rejects.toBeInstanceOf(EventStoreUnavailableError);
        await expect(store.readCheckpoint('c')).rejects.toBeInstanceOf(EventStoreUnavailableError);
        expect(() => store.subscribe({ fromPosition: 0 })).toThrow(EventStoreUnavailableError);
      });
    });
  });
}
