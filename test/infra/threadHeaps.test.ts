import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { SqliteWriterThread } from '../../infra/eventstore/sqliteWriterThread';
import type { ThreadHeap, ThreadReplies } from '../../infra/threads/threadRequests';
import { scriptBeside, threadHeaps } from '../../infra/threads/threadRequests';

const MB = 1024 * 1024;

describe("issue #19: each worker thread's heap is its own and can be seen", () => {
  afterEach(() => v8.setFlagsFromString('--max-semi-space-size=0'));

  test("a worker thread keeps its 16 MB young generation under the deciding thread's --max-semi-space-size=64, and answers for its heap", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-heaps-'));
    const data = { file: path.join(dir, 'events.db'), synchronous: 'FULL' as const, busyTimeoutMs: 5000 };
    // As `npm start` runs the engine: the process flag sets the deciding thread's semi-spaces to 64 MB.
    v8.setFlagsFromString('--max-semi-space-size=64');
    const writer = new SqliteWriterThread(data);
    try {
      await writer.writeCheckpoint('probe', 1);
      const ours = (await threadHeaps()).find((heap) => heap.thread === 'sqliteWriter') as ThreadHeap;
      expect(ours.usedBytes).toBeGreaterThan(0);
      expect(ours.totalBytes).toBeGreaterThanOrEqual(ours.usedBytes);
      // The same thread started while the flag stands, as V8 does when nothing sets it back: the flag outranks the
      // worker's own resource limits and gives it the deciding thread's young generation.
      v8.setFlagsFromString('--max-semi-space-size=64');
      const script = scriptBeside(
        path.join(__dirname, '../../infra/eventstore/sqliteWriterThread.ts'),
        'sqliteWriterMain',
      );
      const plain = new Worker(script, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      plain.postMessage({ heap: 1 });
      const [{ replies }] = (await once(plain, 'message')) as [ThreadReplies<unknown>];
      const plainLimit = (replies[0] as { value: ThreadHeap }).value.limitBytes;
      plain.postMessage({ stop: true });
      await once(plain, 'exit');
      expect(plainLimit - ours.limitBytes).toBeGreaterThanOrEqual(96 * MB);
    } finally {
      await writer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect((await threadHeaps()).some((heap) => heap.thread === 'sqliteWriter')).toBe(false);
  });
});
