/**
 * R29: background work retries a failure with backoff; work that keeps failing for a reason other than an outage is
 * parked (recorded with its error), skipped, listed and retried on demand, and never stops the work behind it.
 * Outages wait in place. The poison here is what an older version or a foreign writer could have left in the log:
 * events appended straight to the store, past today's validation.
 */
import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import type { EventStore } from '../../handlers/ports/eventStore';
import { EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';
import { MinimalEventStore } from '../support/minimalEventStore';

/** Appends an event as a foreign writer would: no command, no decision, no schema check. */
async function appendRaw(h: Harness, stream: string, type: string, data: unknown): Promise<number> {
  const commandId = ulid();
  const metadata = { actorId: 'legacy-import', commandId, correlationId: commandId, occurredAt: h.clock.now() };
  const result = await h.store.append([
    { stream, expectedRevision: 'any', events: [{ id: randomUUID(), type, data, metadata }] },
  ]);
  return result.position;
}

const newStarter = (userId: string, hireDate: string) => ({
  userId,
  name: userId,
  email: `${userId}@acme.test`,
  orgUnitId: 'eng',
  department: null,
  role: null,
  location: null,
  managerId: null,
  hireDate,
  timeZone: null,
});

describe('R29: poison isolation in the background work', () => {
  test('R29: a reaction that fails for one user is parked with its error; the reactions behind it go on; a retry after the fix stores it', async () => {
    const h = engineHarness({ now: '2026-01-05T09:00:00.000Z' });
    await h.seedPortal();
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-new',
      courseId: 'security',
      target: { kind: 'newStarters' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    });
    // An HR feed's placeholder hire date, stored before dates were bounded: 28 days on leaves four-digit years.
    await appendRaw(h, 'user-legacy', 'UserRegistered', newStarter('legacy', '9999-12-31'));
    await h.engine.settle();
    await h.ok('RegisterUser', newStarter('fresh', '2026-01-05'));

    expect((await h.training('fresh')).assignments.get('security')?.active).toBe(true);
    expect((await h.training('legacy')).assignments.size).toBe(0);
    const parked = await h.engine.parked.list();
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      loop: 'reactor',
      userId: 'legacy',
      eventType: 'UserRegistered',
      attempts: 3,
      description: expect.stringMatching(/^ApplyRule security for legacy, a reaction to UserRegistered/),
      error: expect.stringMatching(/does not match its schema/),
    });

    // Retried before the fix: still parked, with the new error.
    expect(await h.engine.reactor.retryParked()).toEqual([
      { key: parked[0]?.key, error: expect.stringMatching(/does not match its schema/) },
    ]);
    expect((await h.engine.parked.list())[0]?.lastRetry?.error).toMatch(/does not match its schema/);

    await h.ok('UpdateUserProfile', { userId: 'legacy', hireDate: '2026-01-05' });
    expect(await h.engine.reactor.retryParked()).toEqual([{ key: parked[0]?.key }]);
    expect(await h.engine.parked.list()).toEqual([]);
    // R18: the window counts from the corrected hire date.
    expect((await h.training('legacy')).assignments.get('security')).toMatchObject({
      active: true,
      dueDate: '2026-02-02',
    });
  });

  test('R29: an event nothing can take is parked by the reactor and the projections alike; later work reaches everyone', async () => {
    const h = engineHarness({ now: '2026-01-05T09:00:00.000Z' });
    await h.seedPortal();
    const position = await appendRaw(h, 'training-ghost', 'TrainingAssigned', {
      userId: 'ghost',
      courseId: 'security',
    });
    await h.ok('CreateAssignmentRule', {
      ruleId: 'r-all',
      courseId: 'fire-safety',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
    });
    const parked = await h.engine.parked.list();
    expect(parked.map((work) => [work.loop, work.position, work.eventType])).toEqual(
      expect.arrayContaining([
        ['reactor', position, 'TrainingAssigned'],
        ['projections', position, 'TrainingAssigned'],
      ]),
    );
    expect(parked).toHaveLength(2);
    const rows = await h.query<{ userId: string }[]>('MiReport', { courseId: 'fire-safety' });
    expect(rows.map((row) => row.userId).sort()).toEqual(['ada', 'grace', 'sam']);
    expect(h.engine.projections.position).toBe(await h.store.headPosition());
  });

  test('R29: an outage is not poison: the reactor waits in place, parks nothing, and finishes when the store is back', async () => {
    const store = new UnreliableStore(new MemoryEventStore());
    const h = engineHarness({ store, now: '2026-01-05T09:00:00.000Z' });
    await h.seedPortal();
    await h.commands.handle(
      h.envelope('CreateAssignmentRule', {
        ruleId: 'r-all',
        courseId: 'fire-safety',
        target: { kind: 'allUsers' },
        mode: 'dynamic',
      }),
    );
    store.down = true;
    await expect(h.reactor.runUntilIdle()).rejects.toThrow(/unavailable/);
    store.down = false;
    expect(await h.engine.parked.list()).toEqual([]);
    await h.engine.settle();
    expect((await h.training('sam')).assignments.get('fire-safety')?.active).toBe(true);
    expect(await h.engine.parked.list()).toEqual([]);
  });
});

/** A store whose appends fail as unavailable while `down`. */
class UnreliableStore extends MinimalEventStore {
  down = false;

  constructor(inner: EventStore) {
    super(inner);
  }

  override append(...args: Parameters<EventStore['append']>) {
    if (this.down) return Promise.reject(new EventStoreUnavailableError('the disk is unavailable'));
    return super.append(...args);
  }
}
