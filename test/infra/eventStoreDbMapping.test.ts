import { randomUUID } from 'node:crypto';
import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  type Position,
  type RecordedEvent,
  START,
  STREAM_EXISTS,
  STREAM_NAME,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  type EventMetadata,
  EventStoreAccessDeniedError,
  EventStoreCorruptError,
  EventStoreUnavailableError,
  type ExpectedRevision,
  type NewEvent,
  type StreamWrite,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { appendSteps, type StreamSnapshot } from '../../infra/eventstore/eventStoreDbAppendSteps';
import {
  isStreamNotFound,
  isUnavailable,
  isWrongExpectedVersion,
  toWrongExpectedRevision,
  translateError,
} from '../../infra/eventstore/eventStoreDbErrors';
import {
  checkpointStream,
  commandStream,
  EventStoreDbMappingError,
  fromEsdbRevision,
  isAfter,
  toEsdbCursor,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toEventData,
  toLogicalStream,
  toPhysicalStream,
  toPortPosition,
  toStoredEvent,
  validateStreamPrefix,
} from '../../infra/eventstore/eventStoreDbMapping';
import { advanceCheckpoint, backoffDelay, subscriptionFilter } from '../../infra/eventstore/eventStoreDbSubscription';

const metadata: EventMetadata = {
  actorId: 'admin',
  commandId: 'c1',
  correlationId: 'c1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

function event(type = 'Happened', data: unknown = { n: 1 }): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

function at(n: number): Position {
  return { commit: BigInt(n), prepare: BigInt(n) };
}

function recorded(overrides: Record<string, unknown> = {}): RecordedEvent {
  return {
    streamId: 'lms-training-ada',
    id: randomUUID(),
    isJson: true,
    revision: 2n,
    type: 'CourseAssigned',
    created: new Date('2026-01-01T00:00:00Z'),
    data: { courseId: 'c' },
    metadata: { ...metadata },
    position: at(1234),
    ...overrides,
  } as RecordedEvent;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('EventStoreDB mapping', () => {
  describe('expected revisions', () => {
    it('maps each kind of the port to the client constants and exact revisions to bigints', () => {
      expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
      expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
      expect(toEsdbExpectedRevision('any')).toBe(ANY);
      expect(toEsdbExpectedRevision(0)).toBe(0n);
      expect(toEsdbExpectedRevision(41)).toBe(41n);
      expect(toEsdbExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    });

    it('never produces -1: the port’s -1 (the revision of a missing stream) means no stream', () => {
      expect(toEsdbExpectedRevision(-1)).toBe(NO_STREAM);
      const inputs: ExpectedRevision[] = ['no_stream', 'stream_exists', 'any', -1, 0, 1, 2, 1000];
      for (const input of inputs) expect(toEsdbExpectedRevision(input)).not.toBe(-1n);
    });

    it('refuses revisions that are not whole non-negative numbers', () => {
      for (const bad of [-2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
        expect(() => toEsdbExpectedRevision(bad)).toThrow(RangeError);
      }
    });

    it('reads server revisions back as numbers, no_stream as -1, and refuses what a number cannot hold', () => {
      expect(fromEsdbRevision(NO_STREAM)).toBe(-1);
      expect(fromEsdbRevision(0n)).toBe(0);
      expect(fromEsdbRevision(7n)).toBe(7);
      expect(() => fromEsdbRevision(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(EventStoreDbMappingError);
    });
  });

  describe('stream names', () => {
    it('accepts prefixes of letters, digits and _, and refuses a "-" or anything else', () => {
      expect(validateStreamPrefix('lms')).toBe('lms');
      expect(validateStreamPrefix('contract_0a1b')).toBe('contract_0a1b');
      for (const bad of ['', 'lms-prod', 'lms:x', 'a b', '$lms', 'x'.repeat(65)]) {
        expect(() => validateStreamPrefix(bad)).toThrow(RangeError);
      }
    });

    it('prefixes logical stream names and strips the prefix back', () => {
      expect(toPhysicalStream('lms', 'training-ada')).toBe('lms-training-ada');
      expect(toLogicalStream('lms', 'lms-training-ada')).toBe('training-ada');
      expect(toLogicalStream('lms', toPhysicalStream('lms', 'course-1'))).toBe('course-1');
      expect(() => toPhysicalStream('lms', '')).toThrow(RangeError);
    });

    it('ignores streams of other prefixes, system streams and the adapter’s own streams', () => {
      for (const other of [
        'lmsx-training-ada',
        'contract_1-training-ada',
        'other-lms-training-ada',
        '$$lms-training-ada',
        '$ce-lms',
        '$stats-127.0.0.1:2113',
        'lms-',
        'lms',
        commandStream('lms', 'cmd-1'),
        checkpointStream('lms', 'reactor'),
      ]) {
        expect(toLogicalStream('lms', other)).toBeUndefined();
      }
    });

    it('names a command record stream and a checkpoint stream apart from every event stream', () => {
      expect(commandStream('lms', 'cmd-1')).toBe('lms:command-cmd-1');
      expect(checkpointStream('lms', 'reactor')).toBe('lms:checkpoint-reactor');
      expect(() => commandStream('lms', '')).toThrow(RangeError);
      expect(() => checkpointStream('lms', '')).toThrow(RangeError);
    });
  });

  describe('positions', () => {
    it('uses the commit position as the port position', () => {
      expect(toPortPosition({ commit: 1234n, prepare: 1234n })).toBe(1234);
      expect(toPortPosition(at(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    });

    it('refuses positions beyond Number.MAX_SAFE_INTEGER with a clear error instead of rounding', () => {
      const error = thrown(() => toPortPosition({ commit: BigInt(Number.MAX_SAFE_INTEGER) + 1n, prepare: 0n }));
      expect(error).toBeInstanceOf(EventStoreDbMappingError);
      expect((error as Error).message).toMatch(/beyond Number\.MAX_SAFE_INTEGER/);
    });

    it('refuses a missing position, the server’s "no position" sentinel and 0', () => {
      expect(() => toPortPosition(undefined)).toThrow(EventStoreDbMappingError);
      const sentinel = thrown(() => toPortPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }));
      expect((sentinel as Error).message).toMatch(/no \$all position for a stream read/);
      expect(() => toPortPosition(at(0))).toThrow(EventStoreDbMappingError);
    });

    it('reads from the start for position 0 and from {commit, prepare} = p otherwise', () => {
      expect(toEsdbReadPosition(0)).toBe(START);
      expect(toEsdbReadPosition(4096)).toEqual({ commit: 4096n, prepare: 4096n });
      expect(toEsdbCursor(0)).toEqual({ commit: 0n, prepare: 0n });
      for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
        expect(() => toEsdbReadPosition(bad)).toThrow(RangeError);
      }
    });

    it('orders positions by commit, then prepare', () => {
      expect(isAfter(at(10), at(9))).toBe(true);
      expect(isAfter(at(10), at(10))).toBe(false);
      expect(isAfter(at(9), at(10))).toBe(false);
      expect(isAfter({ commit: 10n, prepare: 12n }, { commit: 10n, prepare: 11n })).toBe(true);
    });
  });

  describe('events', () => {
    it('writes the port id, type, data as JSON and the metadata as JSON metadata', () => {
      const source = event('CourseAssigned', { courseId: 'c', tags: ['x'] });
      const data = toEventData(source);
      expect(data).toEqual({
        id: source.id,
        contentType: 'application/json',
        type: 'CourseAssigned',
        data: { courseId: 'c', tags: ['x'] },
        metadata,
      });
      expect(data.metadata).not.toBe(source.metadata);
    });

    it('stores undefined data as null and refuses ids that are not UUIDs', () => {
      expect(toEventData({ ...event(), data: undefined }).data).toBeNull();
      expect(() => toEventData({ ...event(), id: 'not-a-uuid' })).toThrow(RangeError);
    });

    it('reads a recorded event of the prefix back as a StoredEvent with the logical stream name', () => {
      const source = recorded();
      expect(toStoredEvent('lms', source)).toEqual({
        id: source.id,
        stream: 'training-ada',
        type: 'CourseAssigned',
        revision: 2,
        position: 1234,
        data: { courseId: 'c' },
        metadata,
      });
    });

    it('ignores other prefixes, the adapter’s streams and $ event types; refuses what the port cannot hold', () => {
      expect(toStoredEvent('lms', recorded({ streamId: 'other-training-ada' }))).toBeUndefined();
      expect(toStoredEvent('lms', recorded({ streamId: 'lms:command-1' }))).toBeUndefined();
      expect(toStoredEvent('lms', recorded({ type: '$>' }))).toBeUndefined();
      expect(() => toStoredEvent('lms', recorded({ isJson: false, data: new Uint8Array([1]) }))).toThrow(
        EventStoreDbMappingError,
      );
      expect(() => toStoredEvent('lms', recorded({ metadata: undefined }))).toThrow(EventStoreDbMappingError);
      expect(() => toStoredEvent('lms', recorded({ position: at(Number.MAX_SAFE_INTEGER + 1) }))).toThrow(
        EventStoreDbMappingError,
      );
    });
  });

  describe('errors', () => {
    it('turns WrongExpectedVersionError into WrongExpectedRevisionError with the server’s actual revision', () => {
      const conflict = new WrongExpectedVersionError(undefined, { streamName: 'lms-s', expected: 1n, current: 2n });
      expect(isWrongExpectedVersion(conflict)).toBe(true);
      const mapped = toWrongExpectedRevision(conflict, 's', 1, 99);
      expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
      expect({ stream: mapped.stream, expected: mapped.expected, actual: mapped.actual }).toEqual({
        stream: 's',
        expected: 1,
        actual: 2,
      });

      const missing = new WrongExpectedVersionError(undefined, {
        streamName: 'lms-s',
        expected: STREAM_EXISTS,
        current: NO_STREAM,
      });
      expect(toWrongExpectedRevision(missing, 's', 'stream_exists', 99).actual).toBe(-1);
      // Without the server's answer (throwOnAppendFailure=false), the revision read afterwards stands.
      expect(toWrongExpectedRevision(undefined, 's', 'no_stream', 4).actual).toBe(4);
    });

    it('recognises StreamNotFoundError (read as an empty stream) and leaves it to the caller', () => {
      const notFound = new StreamNotFoundError(undefined, 'lms-s');
      expect(isStreamNotFound(notFound)).toBe(true);
      expect(isUnavailable(notFound)).toBe(false);
      expect(translateError(notFound, 'reading')).toBe(notFound);
    });

    it('recognises the client’s errors by their type tag, even from another copy of the client module', () => {
      expect(isWrongExpectedVersion({ type: 'wrong-expected-version' })).toBe(true);
      expect(isStreamNotFound({ type: 'stream-not-found' })).toBe(true);
      expect(isUnavailable({ type: 'not-leader' })).toBe(true);
      expect(isWrongExpectedVersion(new Error('wrong expected version'))).toBe(false);
      expect(isStreamNotFound(undefined)).toBe(false);
    });

    it('turns unavailable, deadline, leader, discovery and raw gRPC UNAVAILABLE errors into EventStoreUnavailableError', () => {
      const grpcUnavailable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
      const grpcDeadline = Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 });
      const causes: unknown[] = [
        new UnavailableError(undefined, 'server down'),
        new DeadlineExceededError(),
        { type: 'timeout', message: 'timed out' },
        { type: 'not-leader' },
        grpcUnavailable,
        grpcDeadline,
        new Error('Failed to discover after 10 attempts.'),
      ];
      for (const cause of causes) {
        const mapped = translateError(cause, 'appending');
        expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
        expect((mapped as EventStoreUnavailableError).cause).toBe(cause);
        expect((mapped as Error).message).toMatch(/^EventStoreDB unavailable while appending: /);
      }
    });

    it('issue #15: refused credentials are an outage only an operator ends, and say what to check', () => {
      const cause = { type: 'access-denied', message: 'Access denied' };
      const mapped = translateError(cause, 'pinging the server');
      expect(mapped).toBeInstanceOf(EventStoreAccessDeniedError);
      expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
      expect((mapped as Error).message).toMatch(/refused access while pinging the server: check the user and password/);
    });

    it('issue #15 / R30: a deleted stream means the log was changed outside the engine: corruption, with the remedy', () => {
      const mapped = translateError({ type: 'stream-deleted', streamName: 'lms-training-ada' }, 'appending');
      expect(mapped).toBeInstanceOf(EventStoreCorruptError);
      expect((mapped as Error).message).toMatch(/lms-training-ada was deleted .* restore the database from a backup/);
    });

    it('issue #15: the server refusing an append over its size limit becomes AppendTooLargeError', () => {
      const mapped = translateError({ type: 'maximum-append-size-exceeded', maxAppendSize: 1048576 }, 'appending');
      expect(mapped).toBeInstanceOf(AppendTooLargeError);
      expect((mapped as AppendTooLargeError).limit).toBe(1048576);
    });

    it('passes every other error through unchanged', () => {
      const conflict = new WrongExpectedVersionError(undefined, { streamName: 'lms-s', expected: 0n, current: 1n });
      const bug = new TypeError('bug');
      const invalid = { type: 'invalid-argument' };
      const grpcOther = Object.assign(new Error('3 INVALID_ARGUMENT'), { code: 3 });
      for (const error of [conflict, bug, invalid, grpcOther]) expect(translateError(error, 'x')).toBe(error);
    });
  });

  describe('subscription filter and checkpoints', () => {
    it('filters server-side on the stream name prefix, without a checkpointReached callback', () => {
      const filter = subscriptionFilter('lms');
      expect(filter.filterOn).toBe(STREAM_NAME);
      expect(filter.regex).toBe('^lms-');
      expect(filter.checkpointReached).toBeUndefined();
      const regex = new RegExp(filter.regex);
      expect(regex.test('lms-training-ada')).toBe(true);
      for (const other of ['lms:command-1', 'lms:checkpoint-r', 'lmsx-a', 'other-lms-a', '$$lms-a', '$ce-lms']) {
        expect(regex.test(other)).toBe(false);
      }
    });

    it('builds the regex from a validated prefix, so it holds no regex syntax', () => {
      expect(subscriptionFilter('contract_0a1b').regex).toBe('^contract_0a1b-');
      expect(() => subscriptionFilter('a.b')).toThrow(RangeError);
    });

    it('checkpoints the position of the last event handed out and drops events at or before it', () => {
      let checkpoint = 100;
      const delivered: number[] = [];
      // 100 again (inclusive restart), 120, 120 again (resubscribed), 90 (older), 150.
      for (const position of [100, 120, 120, 90, 150]) {
        const step = advanceCheckpoint(checkpoint, { position });
        if (step.deliver) delivered.push(position);
        checkpoint = step.checkpoint;
      }
      expect(delivered).toEqual([120, 150]);
      expect(checkpoint).toBe(150);
      // A resubscription starts from there, not from a server checkpoint further on.
      expect(toEsdbReadPosition(checkpoint)).toEqual({ commit: 150n, prepare: 150n });
    });

    it('backs off exponentially up to a cap', () => {
      expect([0, 1, 2, 3, 4, 5, 6, 10, 100].map((attempt) => backoffDelay(attempt))).toEqual([
        100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000,
      ]);
      expect(backoffDelay(3, { initialMs: 10, maxMs: 50 })).toBe(50);
      expect(backoffDelay(-1)).toBe(100);
    });
  });

  describe('the steps of a multi-stream append', () => {
    function snapshot(ids: string[], firstPosition = 1): StreamSnapshot {
      return {
        revision: ids.length - 1,
        events: ids.map((id, revision) => ({ id, revision, position: at(firstPosition + revision) })),
      };
    }

    function conflict(fn: () => unknown): { stream: string; expected: ExpectedRevision; actual: number } {
      const error = thrown(fn);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      const { stream, expected, actual } = error as WrongExpectedRevisionError;
      return { stream, expected, actual };
    }

    it('appends new writes, letting a later write see an earlier one of the same stream', () => {
      const first = event();
      const second = event();
      const steps = appendSteps(
        [
          { stream: 's', expectedRevision: 'no_stream', events: [first] },
          { stream: 's', expectedRevision: 0, events: [second] },
          { stream: 'empty', expectedRevision: 'no_stream', events: [] },
        ],
        new Map(),
      );
      expect(
        steps.map((step) => (step.kind === 'append' ? ['append', step.lastRevision] : ['done', step.result])),
      ).toEqual([
        ['append', 0],
        ['append', 1],
        ['done', { stream: 'empty', nextRevision: -1, position: 0 }],
      ]);
    });

    it('refuses the whole append when one write conflicts, before anything is written', () => {
      const writes: StreamWrite[] = [
        { stream: 'a', expectedRevision: 'no_stream', events: [event(), event()] },
        { stream: 'taken', expectedRevision: 'no_stream', events: [event()] },
        { stream: 'b', expectedRevision: 'no_stream', events: [event()] },
      ];
      const snapshots = new Map([['taken', snapshot([randomUUID()])]]);
      expect(conflict(() => appendSteps(writes, snapshots))).toEqual({
        stream: 'taken',
        expected: 'no_stream',
        actual: 0,
      });
    });

    it('checks the expected revision of a write without events', () => {
      expect(
        conflict(() => appendSteps([{ stream: 'a', expectedRevision: 'stream_exists', events: [] }], new Map())),
      ).toEqual({
        stream: 'a',
        expected: 'stream_exists',
        actual: -1,
      });
    });

    it('returns the original revision and position for a replay, whatever its expected revision', () => {
      const first = [event(), event()];
      const second = [event(), event()];
      const snapshots = new Map([
        [
          's',
          snapshot(
            [...first, ...second].map((e) => e.id),
            10,
          ),
        ],
      ]);
      const [replay] = appendSteps([{ stream: 's', expectedRevision: 'no_stream', events: first }], snapshots);
      expect(replay).toMatchObject({ kind: 'done', result: { stream: 's', nextRevision: 1, position: 11 } });
      const [again] = appendSteps([{ stream: 's', expectedRevision: 'any', events: second }], snapshots);
      expect(again).toMatchObject({ kind: 'done', result: { stream: 's', nextRevision: 3, position: 13 } });
    });

    it('matches ids case-insensitively (the server answers them in lower case)', () => {
      const stored = event();
      const snapshots = new Map([['s', snapshot([stored.id])]]);
      const [replay] = appendSteps(
        [{ stream: 's', expectedRevision: 0, events: [{ ...stored, id: stored.id.toUpperCase() }] }],
        snapshots,
      );
      expect(replay?.kind).toBe('done');
    });

    it('refuses partial, reordered and cross-stream replays and repeated ids', () => {
      const written = [event(), event()];
      const snapshots = new Map([
        ['s', snapshot(written.map((e) => e.id))],
        ['other', snapshot([])],
      ]);
      expect(
        conflict(() =>
          appendSteps([{ stream: 's', expectedRevision: 'any', events: [...written, event()] }], snapshots),
        ),
      ).toEqual({
        stream: 's',
        expected: 'any',
        actual: 1,
      });
      expect(
        conflict(() =>
          appendSteps([{ stream: 's', expectedRevision: 'any', events: [...written].reverse() }], snapshots),
        ),
      ).toEqual({
        stream: 's',
        expected: 'any',
        actual: 1,
      });
      expect(
        conflict(() => appendSteps([{ stream: 's', expectedRevision: 1, events: [event(), ...written] }], snapshots)),
      ).toEqual({
        stream: 's',
        expected: 1,
        actual: 1,
      });
      expect(
        conflict(() => appendSteps([{ stream: 'other', expectedRevision: 'any', events: written }], snapshots)),
      ).toEqual({
        stream: 'other',
        expected: 'any',
        actual: -1,
      });
      const once = event();
      expect(
        conflict(() => appendSteps([{ stream: 'n', expectedRevision: 'no_stream', events: [once, once] }], new Map())),
      ).toEqual({
        stream: 'n',
        expected: 'no_stream',
        actual: -1,
      });
    });

    it('refuses an id claimed by an earlier write of the same append, in another stream or as a replay', () => {
      const shared = event();
      expect(
        conflict(() =>
          appendSteps(
            [
              { stream: 'a', expectedRevision: 'no_stream', events: [shared] },
              { stream: 'b', expectedRevision: 'no_stream', events: [shared] },
            ],
            new Map(),
          ),
        ),
      ).toEqual({ stream: 'b', expected: 'no_stream', actual: -1 });
      expect(
        conflict(() =>
          appendSteps(
            [
              { stream: 'a', expectedRevision: 'no_stream', events: [shared] },
              { stream: 'a', expectedRevision: 'any', events: [shared] },
            ],
            new Map(),
          ),
        ),
      ).toEqual({ stream: 'a', expected: 'any', actual: 0 });
    });
  });
});
