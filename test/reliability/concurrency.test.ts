import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { connect } from 'nats';
import { ulid } from 'ulid';
import type { CommandReply } from '../../handlers/ports/reply';
import type { EngineClient } from '../../infra/nats/client';
import { createClient } from '../../infra/nats/client';
import { eventsByCommand, expectReadModelsEqualRebuild, readLog, waitFor } from '../support/dataFolderChecks';
import { EngineProcess } from '../support/engineProcess';
import { NatsServerProcess } from '../support/natsServer';
import { seededRandom } from '../support/seededRandom';

jest.setTimeout(180_000);

/**
 * Issue #7 item 2 and R21: several `lms serve` processes on one data folder (one SQLite event store, one read-model
 * file) and one NATS queue group, hit at once on the same user, the same group and the same rule.
 */

const ACTOR = { userId: 'root' };
const INSTANCES = 3;
const COURSES = 40;
const MEMBERS = 90;
const RULE_UPDATES = 24;
const DUPLICATED = 20;
const courseId = (n: number) => `c${String(n).padStart(2, '0')}`;
const memberId = (n: number) => `m${String(n).padStart(3, '0')}`;

describe('concurrency: several engine processes sharing one SQLite store and one queue group', () => {
  let nats: NatsServerProcess;
  let data: string;
  let nc: NatsConnection;
  let client: EngineClient;
  const engines: EngineProcess[] = [];

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-concurrency-'));
    nc = await connect({ servers: nats.url });
    // Generous: on a loaded CI machine three engines, nats-server and jest share two cores.
    client = createClient(nc, { timeoutMs: 60_000 });
    for (let n = 0; n < INSTANCES; n++)
      engines.push(EngineProcess.spawn(data, { NATS_URL: nats.url, LMS_LOG_LEVEL: 'info' }));
    // The first creates the data folder's files; the others open them.
    await Promise.all(engines.map((engine) => engine.ready()));
  });

  afterAll(async () => {
    for (const engine of engines) await engine.stop('SIGKILL');
    await nc.close().catch(() => undefined);
    await nats.dispose();
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('R21: concurrent commands on one user, one group and one rule lose no update, assign nothing twice, and every conflict is retried or reported', async () => {
    const c = client.commands;
    const setup: CommandReply[] = [
      await c.DefineOrgUnit({ actor: ACTOR, data: { orgUnitId: 'acme', name: 'Acme' } }),
      await c.RegisterUser({
        actor: ACTOR,
        data: { userId: 'hot', name: 'Hot User', email: 'hot@acme.test', orgUnitId: 'acme', hireDate: '2024-01-01' },
      }),
      await c.CreateGroup({ actor: ACTOR, data: { groupId: 'crowd', name: 'Crowd', kind: 'static' } }),
    ];
    for (let n = 1; n <= COURSES; n++)
      setup.push(
        await c.CreateCourse({
          actor: ACTOR,
          data: {
            courseId: courseId(n),
            title: `Course ${n}`,
            kind: 'course',
            provider: 'Acme',
            trainingType: 'Compliance',
          },
        }),
      );
    for (let n = 1; n <= MEMBERS; n++)
      setup.push(
        await c.RegisterUser({
          actor: ACTOR,
          data: {
            userId: memberId(n),
            name: `Member ${n}`,
            email: `${memberId(n)}@acme.test`,
            orgUnitId: 'acme',
            hireDate: '2024-01-01',
          },
        }),
      );
    setup.push(
      await c.CreateAssignmentRule({
        actor: ACTOR,
        data: {
          ruleId: 'crowd-rule',
          courseId: courseId(1),
          target: { kind: 'group', groupId: 'crowd' },
          mode: 'dynamic',
          due: { kind: 'relative', days: 30 },
        },
      }),
    );
    expect(setup.filter((reply) => !reply.ok)).toEqual([]);

    // Everything at once, shuffled (seeded), spread over the instances by the queue group.
    const random = seededRandom(7_003);
    type Sent = { label: string; commandId: string; send: () => Promise<CommandReply> };
    const work: Sent[] = [];
    for (let n = 1; n <= COURSES; n++) {
      const commandId = ulid();
      work.push({
        label: `assign ${courseId(n)} to hot`,
        commandId,
        send: () => c.AssignCourse({ commandId, actor: ACTOR, data: { userIds: ['hot'], courseIds: [courseId(n)] } }),
      });
    }
    for (let n = 1; n <= MEMBERS; n++) {
      const commandId = ulid();
      work.push({
        label: `add ${memberId(n)}`,
        commandId,
        send: () => c.AddGroupMember({ commandId, actor: ACTOR, data: { groupId: 'crowd', userId: memberId(n) } }),
      });
    }
    for (let n = 1; n <= RULE_UPDATES; n++) {
      const commandId = ulid();
      work.push({
        label: `rule due ${n}`,
        commandId,
        send: () =>
          c.UpdateAssignmentRule({
            commandId,
            actor: ACTOR,
            data: { ruleId: 'crowd-rule', due: { kind: 'relative', days: 30 + n } },
          }),
      });
    }
    // The same commands twice at once (a retrying publisher): handled once, both answered alike.
    const twins: Sent[] = [];
    for (let n = 1; n <= DUPLICATED; n++) {
      const commandId = ulid();
      twins.push({
        label: `twin ${n}`,
        commandId,
        send: () =>
          c.ChangeDueDate({
            commandId,
            actor: ACTOR,
            data: { userId: memberId(n), courseId: courseId(1), dueDate: `2027-02-${String(n).padStart(2, '0')}` },
          }),
      });
    }
    // Twins need the member's assignment first: wait until the crowd rule has reached the first members.
    const shuffled = [...work].sort(() => random.next() - 0.5);
    const replies = await Promise.all(shuffled.map(async (item) => ({ item, reply: await item.send() })));

    // Every reply is a success or a reported CONFLICT; nothing else (no UNAVAILABLE, no lost reply).
    const unexpected = replies
      .filter(({ reply }) => !reply.ok && reply.error.code !== 'CONFLICT')
      .map(({ item, reply }) => [item.label, reply.ok ? '' : `${reply.error.code}: ${reply.error.message}`]);
    expect(unexpected).toEqual([]);
    const succeeded = replies.filter(({ reply }) => reply.ok).map(({ item }) => item);
    expect(succeeded.length).toBeGreaterThan(work.length * 0.9);

    await waitFor(
      async () => {
        const reply = await client.queries.MiReport({ actor: ACTOR, params: { courseId: courseId(1), limit: 10_000 } });
        return reply.ok ? (reply.result as unknown[]).length : -1;
      },
      (rows) => rows >= MEMBERS,
      60_000,
      'the crowd rule reached every member',
    );
    const twinReplies = await Promise.all(twins.flatMap((twin) => [twin.send(), twin.send()]));
    for (let n = 0; n < twins.length; n++) {
      const [first, second] = [twinReplies[2 * n], twinReplies[2 * n + 1]];
      expect(first?.ok).toBe(true);
      expect(second).toEqual(first);
    }

    for (const engine of engines) expect(await engine.stop('SIGTERM')).toBe(0);
    const events = await readLog(data);
    const byCommand = eventsByCommand(events);

    // No lost update: every successful command's events are in the log, once; a CONFLICT stored nothing.
    for (const { item, reply } of replies) {
      const stored = (byCommand.get(item.commandId) ?? []).map((event) => event.type);
      if (reply.ok) expect([item.label, stored.length]).toEqual([item.label, reply.events.length]);
      else expect([item.label, stored]).toEqual([item.label, []]);
    }
    for (const twin of twins)
      expect([twin.label, (byCommand.get(twin.commandId) ?? []).map((event) => event.type)]).toEqual([
        twin.label,
        ['DueDateChanged'],
      ]);

    // No duplicate assignment: one TrainingAssigned per user and course in the whole log (R1).
    const assigned = new Map<string, number>();
    for (const event of events.filter((e) => e.type === 'TrainingAssigned')) {
      const key = `${event.stream}/${(event.data as { courseId: string }).courseId}`;
      assigned.set(key, (assigned.get(key) ?? 0) + 1);
    }
    expect([...assigned.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    const hotCourses = events
      .filter((e) => e.stream === 'training-hot' && e.type === 'TrainingAssigned')
      .map((e) => (e.data as { courseId: string }).courseId);
    const hotAssigned = succeeded.filter((item) => item.label.endsWith('to hot')).length;
    // crowd-rule's course c01 may reach "hot" only as an individual assignment: hot is not in the group.
    expect(hotCourses).toHaveLength(hotAssigned);

    // Group membership: every successful add is one member event; rule updates are each one event on the rule.
    const members = events
      .filter((e) => e.stream === 'group-crowd' && e.type === 'GroupMemberAdded')
      .map((e) => (e.data as { userId: string }).userId);
    expect(members.length).toBe(new Set(members).size);
    expect(members.length).toBe(succeeded.filter((item) => item.label.startsWith('add ')).length);
    const ruleUpdates = events.filter((e) => e.stream === 'rule-crowd-rule' && e.type !== 'AssignmentRuleCreated');
    expect(ruleUpdates.length).toBe(succeeded.filter((item) => item.label.startsWith('rule ')).length);

    // Three projectors shared one read-model file: it still equals a rebuild.
    expectReadModelsEqualRebuild(data);
  });
});
