/**
 * Writing to a server-streaming or bidirectional gRPC call with back-pressure, and waiting for the log to grow,
 * both of which stop when the client cancels the call or the test server stops.
 */
import type { AllLog } from './allLog';

/** The parts of grpc-js's ServerWritableStream / ServerDuplexStream this server uses. */
export interface Outbound<M> {
  readonly cancelled: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  write(message: M): boolean;
  end(): void;
  emit(event: 'error', error: Error): boolean;
  once(event: 'drain' | 'cancelled' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'cancelled' | 'close', listener: () => void): unknown;
}

/** The server's stop signal: calls still running when the server stops are let go. */
export interface Stopping {
  readonly stopped: boolean;
  onStop(listener: () => void): () => void;
}

export function isOpen<M>(call: Outbound<M>, stopping: Stopping): boolean {
  return !call.cancelled && !call.writableEnded && !call.destroyed && !stopping.stopped;
}

/** Waits for the first of: `event` on the call, the call ending or being cancelled, the server stopping. */
function waitOn<M>(call: Outbound<M>, stopping: Stopping, subscribe?: (wake: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    const cleanups: (() => void)[] = [];
    const wake = (): void => {
      for (const cleanup of cleanups) cleanup();
      resolve();
    };
    for (const event of ['cancelled', 'close'] as const) {
      call.once(event, wake);
      cleanups.push(() => call.removeListener(event, wake));
    }
    cleanups.push(stopping.onStop(wake));
    if (subscribe !== undefined) cleanups.push(subscribe(wake));
  });
}

/** Writes one message, waiting for 'drain' when the call's buffer is full. False when the call is gone. */
export async function send<M>(call: Outbound<M>, message: M, stopping: Stopping): Promise<boolean> {
  if (!isOpen(call, stopping)) return false;
  if (call.write(message)) return true;
  await waitOn(call, stopping, (wake) => {
    call.once('drain', wake);
    return () => call.removeListener('drain', wake);
  });
  return isOpen(call, stopping);
}

/** Resolves after the next append to the log (or when the call or the server goes away). */
export function nextAppend<M>(log: AllLog, call: Outbound<M>, stopping: Stopping): Promise<void> {
  return waitOn(call, stopping, (wake) => log.onAppend(wake));
}
