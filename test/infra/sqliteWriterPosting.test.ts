import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from 'ulid';
import type { StreamWrite } from '../../handlers/ports/eventStore';
import { WrongExpectedRevisionError } from '../../handlers/ports/eventStore';
import { SqliteWriterThread } from '../../infra/eventstore/sqliteWriterThread';

// Issue #19: appends decided in one turn reach the writer thread eight at a time, so it commits the first while the
// deciding thread decides the rest (posted only at the end of the turn, the two threads took turns being idle).

const METADATA = {
  actorId: 'root',
  commandId: 'probe',
  correlationId: 'probe',
  occurredAt: '2026-03-02T09:00:00.000Z',
};

const write = (stream: string, expectedRevision: StreamWrite['expectedRevision'] = 'any'): StreamWrite[] => [
  { stream, expectedRevision, events: [{ id: ulid(), type: 'Probe', data: {}, metadata: METADATA }] },
];

describe('issue #19: the writer thread gets the appends of a turn eight at a time', () => {
  let dir: string;
  let writer: SqliteWriterThread;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-posting-'));
    writer = new SqliteWriterThread({ file: path.join(dir, 'events.db'), synchronous: 'FULL', busyTimeoutMs: 5000 });
  });

  afterEach(async () => {
    await writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('64 appends of one turn go in eight messages, and each gets its own commit result', async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => writer.append(write(`probe-${i}`), undefined)),
    );
    expect(writer.messagesPosted).toBe(8);
    expect(results.map((result) => result.position)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    expect(results.map((result) => result.streams[0]?.stream)).toEqual(
      Array.from({ length: 64 }, (_, i) => `probe-${i}`),
    );
  });

  test('appends reached in later microtasks of one turn (commands decided in promise chains) go in one message', async () => {
    await writer.append(write('started'), undefined);
    const posted = writer.messagesPosted;
    // Each command awaits a different number of times before its append, as decisions do; all in one turn.
    const decided = async (awaits: number) => {
      for (let i = 0; i < awaits; i++) await Promise.resolve();
      return writer.append(write(`late-${awaits}`), undefined);
    };
    const results = await Promise.all(Array.from({ length: 6 }, (_, awaits) => decided(awaits)));
    expect(writer.messagesPosted).toBe(posted + 1);
    expect(results.map((result) => result.streams[0]?.stream)).toEqual(
      Array.from({ length: 6 }, (_, awaits) => `late-${awaits}`),
    );
  });

  test('fewer than eight in a turn go together at its end; one refused append fails alone', async () => {
    await writer.append(write('taken'), undefined);
    const posted = writer.messagesPosted;
    const outcomes = await Promise.allSettled([
      writer.append(write('a'), undefined),
      writer.append(write('taken', 'no_stream'), undefined),
      writer.append(write('b'), undefined),
    ]);
    expect(writer.messagesPosted).toBe(posted + 1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
  });
});
