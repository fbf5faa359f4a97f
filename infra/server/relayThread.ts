import { scriptBeside, ThreadRequests } from '../threads/threadRequests';
import type { RelayThreadData, RelayThreadRequest } from './relayThreadMessages';

/**
 * The event relay in a worker thread (see relayThreadMain): `relay()` publishes what was stored since the last run,
 * as EventRelay does on this thread. A thread that dies fails the run in hand and the next run starts a new one,
 * which resumes from the checkpoint (republishes are dropped by JetStream's duplicate window).
 */
export class RelayThread {
  private readonly thread: ThreadRequests<RelayThreadRequest, string>;

  constructor(data: RelayThreadData) {
    this.thread = new ThreadRequests(scriptBeside(__filename, 'relayThreadMain'), data, {
      failure: (message) => new Error(message),
      ended: (reason) => new Error(`the relay thread failed: ${reason}`),
    });
  }

  async relay(): Promise<number> {
    return (await this.thread.request({})) as number;
  }

  /** A last run that also writes the checkpoint, then the thread drains its NATS connection and ends. */
  async stop(): Promise<void> {
    // Bounded: while NATS is down the last run cannot publish; the next start resumes from the checkpoint.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise((resolve) => (timer = setTimeout(resolve, 5_000)));
    await Promise.race([this.thread.request({ flush: true }).catch(() => 0), bound]);
    clearTimeout(timer);
    await this.thread.stop();
  }
}
