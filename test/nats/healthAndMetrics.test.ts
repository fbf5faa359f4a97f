import { randomUUID } from 'node:crypto';
import { StringCodec } from 'nats';
import { ulid } from 'ulid';
import { eventually, natsHarness } from './natsHarness';

jest.setTimeout(60_000);
const sc = StringCodec();

/** Health you can see: the NATS service answers health requests, and Prometheus metrics are on an opt-in port. */
describe('health and metrics of lms serve', () => {
  let h: Awaited<ReturnType<typeof natsHarness>>;
  let port: number;
  beforeAll(async () => {
    h = await natsHarness();
    const server = await h.startEngine('engine-1', { LMS_METRICS_PORT: 0 });
    port = server.metricsPort ?? 0;
    await h.seed();
  });
  afterAll(() => h.dispose());

  const health = async () =>
    JSON.parse(sc.decode((await h.nc.request('lms.health', sc.encode(''), { timeout: 5000 })).data)) as {
      ok: boolean;
      head: number;
      checkpoints: { name: string; lagEvents: number }[];
      problems: string[];
    };

  test('a health request answers with the head, each checkpoint and its lag, and ok', async () => {
    const answer = await eventually(health, (status) => status.checkpoints.every((c) => c.lagEvents === 0));
    expect(answer.ok).toBe(true);
    expect(answer.problems).toEqual([]);
    expect(answer.checkpoints.map((c) => c.name)).toEqual(['read models', 'reactor', 'relay']);
    expect(answer.head).toBeGreaterThan(0);
  });

  test('metrics count commands by type and outcome, time them, and show lags and parked work', async () => {
    await h.client.commands.DefineOrgUnit({ actor: { userId: 'nobody' }, data: { orgUnitId: 'x', name: 'X' } });
    const text = await eventually(
      () => fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()),
      (body) => body.includes('outcome="FORBIDDEN"'),
    );
    expect(text).toMatch(/lms_commands_total\{type="RegisterUser",outcome="ok"\} 2/);
    expect(text).toMatch(/lms_commands_total\{type="DefineOrgUnit",outcome="FORBIDDEN"\} 1/);
    expect(text).toMatch(/lms_command_duration_seconds_count\{type="RegisterUser"\} 2/);
    expect(text).toMatch(/lms_checkpoint_lag_events\{checkpoint="reactor"\} \d+/);
    expect(text).toMatch(/lms_parked_work\{loop="reactor"\} 0/);
    // The seed's commands loaded user states: each load found its state in the cache or read it from the store.
    const loads = (result: string) =>
      Number(text.match(new RegExp(`lms_state_cache_loads_total\\{result="${result}"\\} (\\d+)`))?.[1] ?? -1);
    expect(loads('hit')).toBeGreaterThanOrEqual(0);
    expect(loads('miss')).toBeGreaterThan(0);
    // Issue #19: the states held, unpacked and packed; the seed's few users are far from the bound, so none is packed.
    expect(text).toMatch(/lms_state_cache_states\{form="unpacked"\} [1-9]\d*/);
    expect(text).toMatch(/lms_state_cache_states\{form="packed"\} 0/);
    // Issue #19: no stream of the seed is long enough for a snapshot; the counters are there, at nothing.
    for (const result of ['read', 'written', 'failed'])
      expect(text).toMatch(new RegExp(`lms_state_snapshots_total\\{result="${result}"\\} 0`));
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  test('R29: parked work makes health not ok, names it, and shows in the metrics', async () => {
    const store = h.stores[0];
    if (!store) throw new Error('no store');
    const commandId = ulid();
    const metadata = { actorId: 'legacy-import', commandId, correlationId: commandId, occurredAt: h.clock.now() };
    await store.append([
      {
        stream: 'training-ghost',
        expectedRevision: 'any',
        events: [{ id: randomUUID(), type: 'TrainingAssigned', data: { userId: 'ghost' }, metadata }],
      },
    ]);
    const answer = await eventually(health, (status) => !status.ok);
    expect(answer.problems.join()).toMatch(/parked/);
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
    expect(text).toMatch(/lms_parked_work\{loop="reactor"\} 1/);
  });
});
