import { ulid } from 'ulid';
import { streams } from '../../domain/streams';
import type { TrainingState } from '../../domain/userTraining/trainingState';
import { aggregateKinds } from '../../handlers/aggregateKinds';
import { ManualClock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { CommandReply, CommandSuccess } from '../../handlers/ports/reply';
import type { Config } from '../../infra/config';
import { buildEngine } from '../../infra/engine/buildEngine';
import { ReadModelDb } from '../../projections/readModelDb';
import { ADMIN, testConfig } from './testConfig';
import { testEventStore } from './testEventStore';

export { ADMIN };

export interface SendOptions {
  actor?: string;
  commandId?: string;
  reason?: string;
  notes?: string;
  correlationId?: string;
  /** R25: a preview. */
  dryRun?: boolean;
}

/** An engine on a real (memory or SQLite) store with a clock the test moves. */
export function engineHarness(
  options: {
    store?: EventStore;
    readModels?: ReadModelDb;
    now?: string;
    reactorChunkSize?: number;
    config?: Partial<Config>;
  } = {},
) {
  const store = options.store ?? testEventStore();
  const readModels = options.readModels ?? ReadModelDb.open({ file: ':memory:' });
  const clock = new ManualClock(options.now ?? '2026-01-05T09:00:00.000Z');
  const engine = buildEngine({
    config: testConfig(options.config),
    store,
    readModels,
    clock,
    ...(options.reactorChunkSize ? { reactor: { chunkSize: options.reactorChunkSize } } : {}),
  });

  const envelope = (type: string, data: unknown, opts: SendOptions = {}) => ({
    commandId: opts.commandId ?? ulid(),
    type,
    actor: { userId: opts.actor ?? ADMIN },
    data,
    ...(opts.reason ? { reason: opts.reason } : {}),
    ...(opts.notes ? { notes: opts.notes } : {}),
    ...(opts.correlationId ? { correlationId: opts.correlationId } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
  });

  async function send(type: string, data: unknown, opts: SendOptions = {}): Promise<CommandReply> {
    return engine.send(envelope(type, data, opts));
  }

  /** Sends and fails the test with the engine's own message when the command is refused. */
  async function ok(type: string, data: unknown, opts: SendOptions = {}): Promise<CommandSuccess> {
    const reply = await send(type, data, opts);
    if (!reply.ok) throw new Error(`${type} refused: ${reply.error.code} ${reply.error.message}`);
    return reply;
  }

  /** Runs a query as the actor and fails the test with the engine's message when it is refused. */
  async function query<T = unknown>(type: string, params: Record<string, unknown>, actor = ADMIN): Promise<T> {
    const reply = await engine.query({ type, actor: { userId: actor }, params });
    if (!reply.ok) throw new Error(`${type} refused: ${reply.error.code} ${reply.error.message}`);
    return reply.result as T;
  }

  async function training(userId: string): Promise<TrainingState> {
    return (await engine.commands.aggregates.load(streams.training(userId), aggregateKinds.training)).state;
  }

  async function eventTypes(stream: string): Promise<string[]> {
    return (await store.readStream(stream)).map((event) => event.type);
  }

  /** A small portal: org tree root > eng > platform and root > sales, a manager and two users. */
  async function seedPortal(): Promise<void> {
    await ok('DefineOrgUnit', { orgUnitId: 'root', name: 'Acme' });
    await ok('DefineOrgUnit', { orgUnitId: 'eng', name: 'Engineering', parentId: 'root' });
    await ok('DefineOrgUnit', { orgUnitId: 'platform', name: 'Platform', parentId: 'eng' });
    await ok('DefineOrgUnit', { orgUnitId: 'sales', name: 'Sales', parentId: 'root' });
    await ok('RegisterUser', {
      userId: 'grace',
      name: 'Grace Hopper',
      email: 'grace@acme.test',
      orgUnitId: 'eng',
      department: 'Engineering',
      role: 'Manager',
      hireDate: '2020-01-06',
    });
    await ok('RegisterUser', {
      userId: 'ada',
      name: 'Ada Lovelace',
      email: 'ada@acme.test',
      orgUnitId: 'platform',
      department: 'Engineering',
      role: 'Engineer',
      location: 'London',
      managerId: 'grace',
      hireDate: '2024-03-01',
    });
    await ok('RegisterUser', {
      userId: 'sam',
      name: 'Sam Seller',
      email: 'sam@acme.test',
      orgUnitId: 'sales',
      department: 'Sales',
      role: 'Account Manager',
      location: 'Leeds',
      hireDate: '2023-09-01',
    });
    await ok('CreateCourse', {
      courseId: 'fire-safety',
      title: 'Fire Safety',
      kind: 'course',
      provider: 'Acme Learning',
      trainingType: 'Compliance',
    });
    await ok('CreateCourse', {
      courseId: 'security',
      title: 'Security Awareness',
      kind: 'course',
      provider: 'SecureCo',
      trainingType: 'Compliance',
    });
    await ok('CreateGroup', { groupId: 'engineering', name: 'Engineering', kind: 'static' });
  }

  return {
    store,
    readModels,
    clock,
    engine,
    query,
    commands: engine.commands,
    reactor: engine.reactor,
    envelope,
    send,
    ok,
    training,
    eventTypes,
    seedPortal,
  };
}

export type Harness = ReturnType<typeof engineHarness>;
