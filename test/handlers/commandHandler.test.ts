import { ulid } from 'ulid';
import { isVisible } from '../../domain/userTraining/trainingState';
import type { AppendOptions, AppendResult, StoredEvent, StreamWrite } from '../../handlers/ports/eventStore';
import { EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { engineHarness } from '../support/engineHarness';
import { wholeLog } from '../support/wholeLog';

describe('command handling: replies, idempotency, concurrency, audit and bad input', () => {
  test('R21: the same command delivered twice appends nothing the second time and returns the first reply', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const command = h.envelope('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    const first = await h.engine.send(command);
    const head = await h.store.headPosition();
    const second = await h.engine.send(command);
    expect(second).toEqual(first);
    expect(await h.store.headPosition()).toBe(head);
    expect(await h.eventTypes('training-ada')).toEqual(['TrainingAssigned']);
  });

  test('R21: two commands racing on one user both land: the loser of the race retries on the new revision', async () => {
    // The first append to Ada's stream is held a moment, so both commands decide on the same revision (a race the
    // engine's own timing may or may not produce).
    const store = new FirstAppendHeld('training-ada');
    const h = engineHarness({ store });
    await h.seedPortal();
    const [a, b] = await Promise.all([
      h.send('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] }),
      h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] }),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(h.commands.conflictRetries).toBeGreaterThanOrEqual(1);
    const training = await h.training('ada');
    expect([...training.assignments.keys()].sort()).toEqual(['fire-safety', 'security']);
    expect((await h.store.readStream('training-ada')).map((event) => event.revision)).toEqual([0, 1]);
  });

  test('R21: a burst of 60 commands on one stream all land: after a collision they take turns instead of colliding again', async () => {
    // SQLite's group commit lets the burst plan on one revision and collide in one transaction.
    const h = engineHarness({ store: SqliteEventStore.open({ file: ':memory:' }) });
    await h.seedPortal();
    const users = Array.from({ length: 60 }, (_, i) => `burst${i}`);
    for (const userId of users)
      await h.ok('RegisterUser', {
        userId,
        name: userId,
        email: `${userId}@acme.test`,
        orgUnitId: 'eng',
        hireDate: '2024-01-01',
      });
    const replies = await Promise.all(
      users.map((userId) => h.send('AddGroupMember', { groupId: 'engineering', userId })),
    );
    expect(replies.filter((reply) => !reply.ok)).toEqual([]);
    expect(h.commands.conflictRetries).toBeGreaterThanOrEqual(1);
    const added = (await h.store.readStream('group-engineering')).filter((event) => event.type === 'GroupMemberAdded');
    expect(added.map((event) => (event.data as { userId: string }).userId).sort()).toEqual([...users].sort());
  });

  test('bad input: an unknown field nested in a rule target or due rule is refused (VALIDATION_FAILED), not dropped; a huge invalid command id is not echoed back', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const head = await h.store.headPosition();
    const target = await h.send('CreateAssignmentRule', {
      ruleId: 'r',
      courseId: 'security',
      target: { kind: 'group', groupID: 'engineering' },
      mode: 'dynamic',
    });
    expect(target).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const due = await h.send('CreateAssignmentRule', {
      ruleId: 'r',
      courseId: 'security',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 7, date: '2027-01-01' },
    });
    expect(due).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('date') },
    });
    const huge = await h.engine.send({
      commandId: 'x'.repeat(1_000_000),
      type: 'DefineOrgUnit',
      actor: { userId: 'root' },
      data: { orgUnitId: 'x', name: 'X' },
    });
    expect(huge).toMatchObject({ ok: false, commandId: null, error: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(huge).length).toBeLessThan(10_000);
    expect(await h.store.headPosition()).toBe(head);
  });

  test('R20: every event records the actor, command id, correlation id, time, reason and notes', async () => {
    const h = engineHarness({ now: '2026-02-03T10:15:00.000Z' });
    await h.seedPortal();
    const commandId = ulid();
    await h.ok(
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'] },
      { commandId, correlationId: 'onboarding-42', reason: 'new role', notes: 'approved by CISO' },
    );
    const [event] = await h.store.readStream('training-ada');
    expect(event?.metadata).toEqual({
      actorId: 'root',
      commandId,
      correlationId: 'onboarding-42',
      occurredAt: '2026-02-03T10:15:00.000Z',
      reason: 'new role',
      notes: 'approved by CISO',
    });
  });

  test('the reply names each event and its stream, and the position readers can wait for', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const reply = await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'], dueDate: '2026-02-01' });
    expect(reply.events).toEqual([{ type: 'TrainingAssigned', stream: 'training-ada' }]);
    expect(reply.position).toBe((await h.store.readStream('training-ada'))[0]?.position);
    expect(reply.message).toBe('Security Awareness v1 assigned to ada via Individual, due 2026-02-01');
  });

  test.each([
    ['a malformed command', 'VALIDATION_FAILED', 'not json at all', /the command envelope is invalid/],
    [
      'an unknown type',
      'VALIDATION_FAILED',
      { commandId: ulid(), type: 'AssignEverything', actor: { userId: 'root' }, data: {} },
      /unknown command type "AssignEverything": expected one of SetAssignmentPreferences/,
    ],
    [
      'a missing actor',
      'VALIDATION_FAILED',
      { commandId: ulid(), type: 'AssignCourse', data: { userIds: ['ada'], courseIds: ['security'] } },
      /actor/,
    ],
    [
      'a bad commandId',
      'VALIDATION_FAILED',
      {
        commandId: '42',
        type: 'StartCourse',
        actor: { userId: 'root' },
        data: { userId: 'ada', courseId: 'security' },
      },
      /commandId must be a ULID/,
    ],
    [
      'wrong data types',
      'VALIDATION_FAILED',
      { commandId: ulid(), type: 'AssignCourse', actor: { userId: 'root' }, data: { userIds: 'ada', courseIds: [] } },
      /AssignCourse data is invalid: data\.userIds: /,
    ],
    [
      'an unknown user',
      'NOT_FOUND',
      {
        commandId: ulid(),
        type: 'AssignCourse',
        actor: { userId: 'root' },
        data: { userIds: ['nobody'], courseIds: ['security'] },
      },
      /user nobody is not registered: check the id/,
    ],
    [
      'an unknown course',
      'NOT_FOUND',
      {
        commandId: ulid(),
        type: 'AssignCourse',
        actor: { userId: 'root' },
        data: { userIds: ['ada'], courseIds: ['nothing'] },
      },
      /course nothing does not exist: check the id/,
    ],
    [
      'an unknown actor',
      'FORBIDDEN',
      {
        commandId: ulid(),
        type: 'AssignCourse',
        actor: { userId: 'mallory' },
        data: { userIds: ['ada'], courseIds: ['security'] },
      },
      /actor mallory is not a registered user/,
    ],
  ])(
    'bad input: %s gets %s with a message saying what to fix, and nothing is appended',
    async (_name, code, input, message) => {
      const h = engineHarness();
      await h.seedPortal();
      const head = await h.store.headPosition();
      const reply = await h.commands.handle(input);
      expect(reply.ok).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe(code);
        expect(reply.error.message).toMatch(message);
      }
      expect(await h.store.headPosition()).toBe(head);
    },
  );

  test('R17: an actor without the permission is refused with FORBIDDEN naming it', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const reply = await h.send('AssignCourse', { userIds: ['sam'], courseIds: ['security'] }, { actor: 'ada' });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message:
          'user ada may not assign training: that needs the permission assignment.standard, and ada holds no permissions',
      },
    });
  });

  test('R17: a grant constrained to an org unit assigns inside it and is refused outside it', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('GrantPermission', {
      userId: 'grace',
      permission: 'assignment.standard',
      constraints: { orgUnitIds: ['eng'] },
    });
    expect((await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] }, { actor: 'grace' })).ok).toBe(
      true,
    );
    const refused = await h.send('AssignCourse', { userIds: ['sam'], courseIds: ['security'] }, { actor: 'grace' });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: expect.stringMatching(/user sam is outside org units \[eng\] with their descendants/),
      },
    });
  });

  test("R17: learners register for and record progress on their own training; not on someone else's", async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('AssignCourse', { userIds: ['ada', 'sam'], courseIds: ['security'] });
    expect((await h.send('StartCourse', { userId: 'ada', courseId: 'security' }, { actor: 'ada' })).ok).toBe(true);
    expect(await h.send('StartCourse', { userId: 'sam', courseId: 'security' }, { actor: 'ada' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  test('R16: AssignCourse takes many users and courses; each pair is decided on its own and reported', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('DeactivateCourse', { courseId: 'fire-safety' });
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    const reply = await h.ok('AssignCourse', {
      userIds: ['ada', 'sam', 'ghost'],
      courseIds: ['security', 'fire-safety'],
    });
    expect(
      reply.results?.map((result) => [result.userId, result.courseId, result.outcome, result.reason ?? '']),
    ).toEqual([
      ['ada', 'security', 'unchanged', ''],
      ['ada', 'fire-safety', 'failed', 'COURSE_INACTIVE'],
      ['sam', 'security', 'assigned', ''],
      ['sam', 'fire-safety', 'failed', 'COURSE_INACTIVE'],
      ['ghost', 'security', 'failed', 'USER_NOT_FOUND'],
      ['ghost', 'fire-safety', 'failed', 'USER_NOT_FOUND'],
    ]);
    expect(reply.message).toBe('6 pairs: 1 unchanged, 4 failed, 1 assigned');
    expect(reply.warnings).toHaveLength(4);
  });

  test('R15: assigning an inactive course alone is refused with RULE_VIOLATION and a reason', async () => {
    const h = engineHarness();
    await h.seedPortal();
    await h.ok('DeactivateCourse', { courseId: 'security' });
    expect(await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] })).toMatchObject({
      ok: false,
      error: { code: 'RULE_VIOLATION', message: expect.stringMatching(/check the course is Active/) },
    });
  });

  test('R16: one AssignCourse for 2,000 users is stored in one transaction, one event per user', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const userIds = Array.from({ length: 2000 }, (_, i) => `bulk-${i}`);
    for (let from = 0; from < userIds.length; from += 100)
      await Promise.all(
        userIds.slice(from, from + 100).map((userId) =>
          h.ok('RegisterUser', {
            userId,
            name: userId,
            email: `${userId}@acme.test`,
            orgUnitId: 'eng',
            hireDate: '2025-01-01',
          }),
        ),
      );
    const before = await h.store.headPosition();
    const reply = await h.ok('AssignCourse', { userIds, courseIds: ['security'] });
    // R27: the reply counts every event and lists the first ones.
    expect([reply.eventsTotal, reply.eventCounts, reply.resultsTotal]).toEqual([
      2000,
      { TrainingAssigned: 2000 },
      2000,
    ]);
    const stored = await h.store.readAll(before, 5000);
    expect(stored).toHaveLength(2000);
    expect(reply.position).toBe(stored[stored.length - 1]?.position);
    expect(isVisible((await h.training('bulk-1999')).assignments.get('security'))).toBe(true);
    // A size test: 2,000 registrations take about 20 s over the EventStoreDB wire (a catch-up read each).
  }, 120_000);

  test('R21: another actor, or another command type, reusing a command id gets CONFLICT without the first reply', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const commandId = ulid();
    const first = await h.ok(
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'] },
      { commandId, reason: 'confidential: disciplinary' },
    );
    const head = await h.store.headPosition();
    const byLearner = await h.send('StartCourse', { userId: 'ada', courseId: 'security' }, { actor: 'ada', commandId });
    const sameTypeOtherActor = await h.send(
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'] },
      { actor: 'ada', commandId },
    );
    const sameActorOtherType = await h.send('StartCourse', { userId: 'ada', courseId: 'security' }, { commandId });
    for (const reply of [byLearner, sameTypeOtherActor, sameActorOtherType]) {
      expect(reply).toEqual({
        ok: false,
        commandId,
        error: {
          code: 'CONFLICT',
          message: `command id ${commandId} was already used for another command: send this one with a new id`,
          details: {},
        },
      });
      expect(JSON.stringify(reply)).not.toMatch(/TrainingAssigned|training-ada|confidential/);
    }
    expect(await h.store.headPosition()).toBe(head);
    // The owner still gets the first reply.
    expect(await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] }, { commandId })).toEqual(first);
  });

  test('R21: command ids compare case-insensitively: the lower-case spelling of an id replays its first reply', async () => {
    const h = engineHarness({ store: SqliteEventStore.open({ file: ':memory:' }) });
    await h.seedPortal();
    const commandId = ulid();
    const first = await h.ok('UpgradeVersion', { courseId: 'security' }, { commandId });
    const head = await h.store.headPosition();
    const again = await h.send('UpgradeVersion', { courseId: 'security' }, { commandId: commandId.toLowerCase() });
    expect(again).toEqual(first);
    expect(again.commandId).toBe(commandId);
    expect(await h.store.headPosition()).toBe(head);
    expect((await h.store.readStream('course-security')).map((event) => event.type)).toEqual([
      'CourseCreated',
      'CourseVersionUpgraded',
    ]);
  });

  test('R21: a refused command is refused again with the same reply, even after the cause is fixed', async () => {
    const h = engineHarness();
    await h.seedPortal();
    const command = h.envelope('AssignCourse', { userIds: ['ada'], courseIds: ['later'] });
    const first = await h.engine.send(command);
    await h.ok('CreateCourse', {
      courseId: 'later',
      title: 'Later',
      kind: 'course',
      provider: 'Acme',
      trainingType: 'Skills',
    });
    expect(await h.engine.send(command)).toEqual(first);
  });

  test('while the event store is unavailable a command fails fast with UNAVAILABLE, is not recorded, and succeeds once the store is back', async () => {
    const store = new SwitchableStore();
    const h = engineHarness({ store });
    await h.seedPortal();
    const command = h.envelope('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    store.down = true;
    const during = await h.commands.handle(command);
    expect(during).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/the event store is unavailable: disk gone/) },
    });
    store.down = false;
    expect(await h.commands.handle(command)).toMatchObject({ ok: true, events: [{ type: 'TrainingAssigned' }] });
  });

  test('R21: a read refused by a blip before the decision is read again, so the command is stored once and answered ok', async () => {
    const store = new SwitchableStore();
    const h = engineHarness({ store });
    await h.seedPortal();
    const before = (await wholeLog(store)).length;
    // Two reads refused, as when a lost connection fails every call waiting on it: the third try reads.
    store.readsToRefuse = 2;
    const reply = await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    expect([store.readsToRefuse, reply]).toMatchObject([0, { ok: true, events: [{ type: 'TrainingAssigned' }] }]);
    expect((await wholeLog(store)).slice(before).map((event) => event.type)).toEqual(['TrainingAssigned']);
  });

  test('R21: reads refused past the retries: UNAVAILABLE, nothing stored, the id free for the same command later', async () => {
    const store = new SwitchableStore();
    const h = engineHarness({ store });
    await h.seedPortal();
    const before = (await wholeLog(store)).length;
    const command = h.envelope('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    store.readsToRefuse = 3;
    expect(await h.commands.handle(command)).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/the event store is unavailable: read refused/) },
    });
    expect((await wholeLog(store)).length).toBe(before);
    expect(await h.commands.handle(command)).toMatchObject({ ok: true, events: [{ type: 'TrainingAssigned' }] });
  });
});

/** A real store that holds the first append to one stream for 50 ms: other commands decide meanwhile. */
class FirstAppendHeld extends MemoryEventStore {
  private held = false;

  constructor(private readonly stream: string) {
    super();
  }

  override async append(writes: StreamWrite[], options?: AppendOptions): Promise<AppendResult> {
    if (!this.held && writes.some((write) => write.stream === this.stream)) {
      this.held = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return super.append(writes, options);
  }
}

/** Fault injection: a real store whose appends fail while it is "down", as a lost disk or server would. */
class SwitchableStore extends MemoryEventStore {
  down = false;

  /** The next reads (of any kind) refused as unavailable. */
  readsToRefuse = 0;

  override async append(writes: StreamWrite[], options?: AppendOptions): Promise<AppendResult> {
    if (this.down) throw new EventStoreUnavailableError('disk gone');
    return super.append(writes, options);
  }

  override async headPosition(): Promise<number> {
    this.refuseRead();
    return super.headPosition();
  }

  override async readStream(stream: string, fromRevision?: number): Promise<StoredEvent[]> {
    this.refuseRead();
    return super.readStream(stream, fromRevision);
  }

  private refuseRead(): void {
    if (this.readsToRefuse <= 0) return;
    this.readsToRefuse--;
    throw new EventStoreUnavailableError('read refused');
  }
}
