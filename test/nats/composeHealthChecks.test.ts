import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { waitFor } from '../support/dataFolderChecks';
import { EngineProcess } from '../support/engineProcess';
import { freePort, NatsServerProcess } from '../support/natsServer';

jest.setTimeout(60_000);

/**
 * The health checks of docker-compose.yml, run here as far as this machine can: the engine's probe is run exactly as
 * written (node is what the engine image has), and the NATS probe's URL is asked of a real nats-server with JetStream
 * (its image's wget cannot run here; which tool each image has is documented in the compose file).
 */
type Compose = { services: Record<string, { healthcheck?: { test: string[] }; command?: string[] }> };
const compose = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as Compose;
const probe = (service: string) => compose.services[service]?.healthcheck?.test ?? [];

describe('docker-compose health checks', () => {
  test("the engine's check, run as written, passes against a serving engine", async () => {
    const nats = await NatsServerProcess.start();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-health-'));
    const port = await freePort();
    const engine = EngineProcess.spawn(data, { NATS_URL: nats.url, LMS_METRICS_PORT: String(port) });
    try {
      await engine.ready();
      const [kind, command, ...args] = probe('engine');
      expect([kind, command]).toEqual(['CMD', 'node']);
      const run = () =>
        spawnSync(
          process.execPath,
          args.map((arg) => arg.replace('9464', String(port))),
          { encoding: 'utf8', timeout: 10_000 },
        ).status;
      expect(
        await waitFor(
          async () => run(),
          (status) => status === 0,
          10_000,
          'the engine health check',
        ),
      ).toBe(0);
      // Issue #19: the metrics show each worker thread's heap beside the process's own figures.
      const metrics = await waitFor(
        () => fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()),
        (text) => text.includes('lms_thread_heap_bytes{thread="projectionThread",kind="used"}'),
        10_000,
        'the projection thread in the metrics',
      );
      expect(metrics).toMatch(/lms_thread_heap_bytes\{thread="projectionThread",kind="used"\} [1-9]\d{5,}/);
      expect(metrics).toMatch(/lms_thread_heap_bytes\{thread="projectionThread",kind="total"\} [1-9]\d{5,}/);
      await engine.stop('SIGTERM');
      expect(run()).toBe(1);
    } finally {
      if (engine.running) await engine.stop('SIGKILL');
      await nats.dispose();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  test("the NATS check asks the monitoring endpoint that reports JetStream's health, which answers 200 when it runs", async () => {
    const [kind, tool, ...args] = probe('nats');
    expect([kind, tool]).toEqual(['CMD', 'wget']);
    const url = args.find((arg) => arg.startsWith('http://')) as string;
    expect(url).toMatch(/:8222\/healthz\?js-enabled-only=true$/);
    expect(compose.services.nats?.command).toEqual(expect.arrayContaining(['--jetstream', '--http_port', '8222']));
    const monitorPort = await freePort();
    const nats = await NatsServerProcess.start({ monitorPort });
    try {
      const response = await fetch(url.replace('127.0.0.1:8222', `127.0.0.1:${monitorPort}`));
      expect(response.status).toBe(200);
    } finally {
      await nats.dispose();
    }
  });
});
