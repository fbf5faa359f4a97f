import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import { CommandHandler } from '../../handlers/commandHandler';
import { ManualClock } from '../../handlers/ports/clock';
import type { AppendOptions, StreamWrite } from '../../handlers/ports/eventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { threadHeaps } from '../../infra/threads/threadRequests';
import { withOverrides } from '../support/storeOverrides';

// Issue #19: one command at a time, the two hops to the writer thread and back were most of a command's time beside
// the fsync. A command alone commits on the deciding thread's connection; under load the writer thread's group commit
// takes everything, and a write lock held elsewhere never stops the deciding thread.

const writerRunning = async () => (await threadHeaps()).some((heap) => heap.thread === 'sqliteWriter');

const PROBE_METADATA = {
  actorId: 'root',
  commandId: 'probe',
  correlationId: 'probe',
  occurredAt: '2026-03-02T09:00:00.000Z',
};

const probes = (count: number) =>
  Array.from({ length: count }, () => ({ id: ulid(), type: 'Probe', data: {}, metadata: PROBE_METADATA }));

const write = (stream: string, events = 1): StreamWrite[] => [
  { stream, expectedRevision: 'any', events: probes(events) },
];

describe('issue #19: a command alone commits in place', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-alone-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.db'), writerThread: true });
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an append alone is committed on this thread: the writer thread is never started', async () => {
    const result = await store.append(write('probe-1'), { alone: true });
    expect(result.position).toBe(1);
    expect(await store.readStream('probe-1')).toHaveLength(1);
    expect(await writerRunning()).toBe(false);
    // Without the hint the same store commits through its writer thread, as before.
    await store.append(write('probe-2'));
    expect(await writerRunning()).toBe(true);
    expect(await store.headPosition()).toBe(2);
  });

  test('a large append alone still goes through the writer thread: its commit would stop this thread for long', async () => {
    const result = await store.append(write('probe-big', 33), { alone: true });
    expect(result.position).toBe(33);
    expect(await writerRunning()).toBe(true);
  });

  test('with the write lock held by another connection, the append waits in the writer thread and this thread runs on', async () => {
    // A busy timeout longer than the test's: a commit that waited here for the lock would stop the event loop that
    // releases it, and the test would time out.
    const file = path.join(dir, 'locked.db');
    const locked = SqliteEventStore.open({ file, writerThread: true, busyTimeoutMs: 60_000 });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      let released = false;
      setTimeout(() => {
        other.exec('COMMIT');
        released = true;
      }, 200);
      const result = await locked.append(write('probe-1'), { alone: true });
      expect(released).toBe(true);
      expect(result.position).toBe(1);
      expect(await writerRunning()).toBe(true);
      // The connection's busy timeout is back for its reads and later commits.
      expect(locked.pragma('busy_timeout')).toBe(60_000);
    } finally {
      other.close();
      await locked.close();
    }
  }, 20_000);

  test('the command handler says alone only when no other command is in flight', async () => {
    const seen: boolean[] = [];
    const spy = withOverrides(store, {
      append: (writes: StreamWrite[], options: AppendOptions = {}) => {
        seen.push(options.alone === true);
        return store.append(writes, options);
      },
    });
    const engine = new CommandHandler({
      store: spy,
      clock: new ManualClock('2026-03-02T09:00:00.000Z'),
      bootstrapAdminId: 'root',
    });
    const define = (orgUnitId: string) =>
      engine.handle({
        commandId: ulid(),
        actor: { userId: 'root' },
        type: 'DefineOrgUnit',
        data: { orgUnitId, name: orgUnitId },
      });
    for (const id of ['a', 'b', 'c']) expect(await define(id)).toMatchObject({ ok: true });
    expect(seen).toEqual([true, true, true]);
    expect(await writerRunning()).toBe(false);
    seen.length = 0;
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => define(`together-${i}`)));
    expect(replies.every((reply) => reply.ok)).toBe(true);
    // The last of them may find itself alone once the others are done; the rest went to the group commit.
    expect(seen.filter((alone) => alone).length).toBeLessThanOrEqual(1);
    expect(await writerRunning()).toBe(true);
    expect(await store.headPosition()).toBe(19);
  });
});
