import { ulid } from 'ulid';
import { CommandHandler } from '../../handlers/commandHandler';
import { type EsdbTestServer, startEsdbTestServer } from '../support/esdbServer/esdbTestServer';
import { ADMIN, eventually, natsHarness } from './natsHarness';

jest.setTimeout(60_000);

/**
 * Issue #15: `lms serve` on EventStoreDB, here the protocol-level test server (test/support/esdbServer), sends the
 * server nothing while nothing happens: no head polling, one live subscription that wakes the background loops when
 * any process stores an event. (The scheduler's look at the clock, every 30 s, reads the head once.)
 */
describe('lms serve on EventStoreDB when idle (protocol test server, real nats-server)', () => {
  let server: EsdbTestServer;
  let h: Awaited<ReturnType<typeof natsHarness>>;

  beforeAll(async () => {
    server = await startEsdbTestServer({ serverFeatures: false });
    process.env.EVENTSTORE_CONNECTION_STRING = server.connectionString;
    // The scheduler looks at the clock every 30 s in production (a head read each time); here not within the test.
    h = await natsHarness({ schedulerIntervalMs: 60_000 });
    await h.startEngine();
    await h.seed();
  });
  afterAll(async () => {
    await h.dispose();
    await server.stop();
  });

  /** Resolves once the server has received no call for `quietMs` (the engine has caught up on the seed). */
  async function quiet(quietMs: number): Promise<void> {
    let last = -1;
    await eventually(
      async () => {
        const now = server.calls.read + server.calls.append;
        const unchanged = now === last;
        last = now;
        return unchanged;
      },
      (unchanged) => unchanged,
      20_000,
      quietMs,
    );
  }

  test('an idle engine sends no reads; an event stored by another process wakes it and is projected and published', async () => {
    await quiet(1_000);
    const before = { ...server.calls };
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(server.calls).toEqual(before);

    // Another process (the CLI) stores a user: the engine's projections and relay see it without any command of theirs.
    const offline = new CommandHandler({ store: h.openStore(), clock: h.clock, bootstrapAdminId: ADMIN });
    const reply = await offline.handle({
      commandId: ulid(),
      type: 'RegisterUser',
      actor: { userId: ADMIN },
      data: { userId: 'quiet', name: 'Quiet One', email: 'quiet@acme.test', orgUnitId: 'acme', hireDate: '2024-03-01' },
    });
    expect(reply.ok).toBe(true);
    const found = await eventually(
      async () => {
        const answer = await h.client.queries.SearchUsers({ actor: { userId: ADMIN }, params: { text: 'Quiet' } });
        return answer.ok ? answer.result : undefined;
      },
      (result) => JSON.stringify(result ?? '').includes('quiet@acme.test'),
      10_000,
    );
    expect(JSON.stringify(found)).toContain('Quiet One');
    const jsm = await h.nc.jetstreamManager();
    const published = await eventually(
      async () =>
        jsm.streams
          .getMessage('LMS_EVENTS', { last_by_subj: 'lms.events.UserRegistered' })
          .then((m) => m.json<{ data: { userId: string } }>()),
      (event) => event.data.userId === 'quiet',
      10_000,
    );
    expect(published.data.userId).toBe('quiet');
  });
});
