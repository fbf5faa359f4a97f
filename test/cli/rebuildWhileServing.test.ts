import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineProcess, runCli } from '../support/engineProcess';
import { NatsServerProcess } from '../support/natsServer';

// R20 on the built CLI beside a real `lms serve` (npm test builds first): the rebuild swaps the read-model file, which
// a process that has it open would go on writing to unseen, so it refuses while one does.
jest.setTimeout(120_000);

describe('R20: lms rebuild beside a running lms serve', () => {
  let nats: NatsServerProcess;
  let data: string;

  beforeEach(async () => {
    nats = await NatsServerProcess.start();
    data = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lms-rebuild-serving-')), 'demo');
    expect(runCli(['demo', '--data', data]).status).toBe(0);
  });

  afterEach(async () => {
    await nats.dispose();
    fs.rmSync(path.dirname(data), { recursive: true, force: true });
  });

  const liveFile = () => path.join(data, 'readmodels.db');

  test('R20: refused while lms serve has the read models open, nothing changed; done once it has stopped', async () => {
    const serve = EngineProcess.spawn(data, { NATS_URL: nats.url });
    try {
      await serve.ready();
      const before = fs.statSync(liveFile()).ino;
      const refused = runCli(['--data', data, 'rebuild']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(
        /rebuild refused: .*readmodels\.db is open in another process .*Nothing was changed/,
      );
      expect(fs.statSync(liveFile()).ino).toBe(before);
      expect(fs.existsSync(`${liveFile()}.rebuild`)).toBe(false);
      expect(serve.running).toBe(true);
      expect(await serve.stop('SIGTERM')).toBe(0);
    } finally {
      await serve.stop('SIGKILL');
    }
    const rebuilt = runCli(['--data', data, 'rebuild']);
    expect([rebuilt.status, rebuilt.stdout]).toEqual([0, expect.stringMatching(/read models rebuilt at position \d+/)]);
    expect(runCli(['--data', data, 'verify']).status).toBe(0);
  });

  test('R20: a killed lms serve holds nothing: the rebuild swaps its file and WAL out and verify passes', async () => {
    const serve = EngineProcess.spawn(data, { NATS_URL: nats.url });
    await serve.ready();
    await serve.stop('SIGKILL');
    const rebuilt = runCli(['--data', data, 'rebuild']);
    expect([rebuilt.status, rebuilt.stderr]).toEqual([0, expect.not.stringMatching(/refused/)]);
    expect(
      ['readmodels.db-wal', 'readmodels.db-journal'].filter((name) => fs.existsSync(path.join(data, name))),
    ).toEqual([]);
    const verified = runCli(['--data', data, 'verify']);
    expect([verified.status, verified.stdout]).toEqual([0, expect.stringMatching(/verify OK/)]);
  });
});
