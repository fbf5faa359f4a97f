import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuplicateCommandError, WrongExpectedRevisionError } from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { happenedEvent as event } from '../support/happenedEvent';

/**
 * Appends made in one turn share one transaction (group commit). An append refused by its checks wrote nothing and
 * the transaction goes on without it; one that fails having written rows sends the batch round again with a
 * savepoint per append. Either way each append is stored whole or not at all, and the others of its batch are stored.
 */
describe('SQLite group commit: one append refused, the rest of its batch stored', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-commit-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    await store.append([{ stream: 'taken', expectedRevision: 'no_stream', events: [event()] }], {
      command: { commandId: 'first', reply: { ok: true } },
    });
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The stored streams' event counts, and the positions of everything stored. */
  async function stored(streams: string[]) {
    const counts = await Promise.all(streams.map(async (stream) => (await store.readStream(stream)).length));
    const positions = (await store.readAll(0, 100)).map((e) => e.position);
    return { counts: Object.fromEntries(streams.map((stream, i) => [stream, counts[i]])), positions };
  }

  it('R21: appends refused by their checks (a stale revision, a command already recorded) store nothing; the others in the same transaction are stored', async () => {
    const outcomes = await Promise.allSettled([
      store.append([{ stream: 'a', expectedRevision: 'no_stream', events: [event()] }]),
      store.append([{ stream: 'taken', expectedRevision: 'no_stream', events: [event()] }]),
      store.append([{ stream: 'c', expectedRevision: 'no_stream', events: [event()] }], {
        command: { commandId: 'first', reply: { ok: true } },
      }),
      store.append([{ stream: 'b', expectedRevision: 'no_stream', events: [event(), event()] }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateCommandError);
    expect(await stored(['taken', 'a', 'b', 'c'])).toEqual({
      counts: { taken: 1, a: 1, b: 2, c: 0 },
      positions: [1, 2, 3, 4],
    });
    expect(outcomes[3]).toMatchObject({ status: 'fulfilled', value: { position: 4, firstPosition: 3 } });
  });

  it('an append refused after inserting rows (its second write stale) is taken back whole; the others of its batch are stored', async () => {
    const outcomes = await Promise.allSettled([
      store.append([{ stream: 'a', expectedRevision: 'no_stream', events: [event()] }]),
      store.append(
        [
          { stream: 'c', expectedRevision: 'no_stream', events: [event(), event()] },
          { stream: 'taken', expectedRevision: 'no_stream', events: [event()] },
        ],
        { command: { commandId: 'second', reply: { ok: true } } },
      ),
      store.append([{ stream: 'b', expectedRevision: 'no_stream', events: [event()] }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ stream: 'taken', actual: 0 });
    expect(await stored(['taken', 'a', 'b', 'c'])).toEqual({
      counts: { taken: 1, a: 1, b: 1, c: 0 },
      positions: [1, 2, 3],
    });
    // Neither its command record nor its ids were kept: the same command goes through afterwards.
    expect(await store.findCommand('second')).toBeUndefined();
    await store.append([{ stream: 'c', expectedRevision: 'no_stream', events: [event()] }], {
      command: { commandId: 'second', reply: { ok: true } },
    });
    expect(await store.headPosition()).toBe(4);
  });

  it('an append whose later event id is stored already is refused after its first insert and taken back whole', async () => {
    const [stored0] = await store.readStream('taken');
    const outcomes = await Promise.allSettled([
      store.append([{ stream: 'a', expectedRevision: 'no_stream', events: [event()] }]),
      store.append([
        { stream: 'c', expectedRevision: 'no_stream', events: [event(), { ...event(), id: stored0?.id as string }] },
      ]),
      store.append([{ stream: 'b', expectedRevision: 'no_stream', events: [event()] }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(await stored(['taken', 'a', 'b', 'c'])).toEqual({
      counts: { taken: 1, a: 1, b: 1, c: 0 },
      positions: [1, 2, 3],
    });
  });

  it('an append failing with an error that is not a refusal (data JSON cannot hold) fails alone; the others are stored', async () => {
    const outcomes = await Promise.allSettled([
      store.append([{ stream: 'a', expectedRevision: 'no_stream', events: [event()] }]),
      store.append([{ stream: 'c', expectedRevision: 'no_stream', events: [event({ n: 1n })] }]),
      store.append([{ stream: 'b', expectedRevision: 'no_stream', events: [event()] }]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/BigInt/);
    expect(await stored(['taken', 'a', 'b', 'c'])).toEqual({
      counts: { taken: 1, a: 1, b: 1, c: 0 },
      positions: [1, 2, 3],
    });
  });
});
