import { systemClock } from '../../handlers/ports/clock';
import type { Engine } from '../engine/engine';
import type { StatusThresholds } from '../engine/engineStatus';
import { engineStatus } from '../engine/engineStatus';
import { renderTable } from './table';

/** `lms status`: positions, lags and parked work; exit status 1 when anything needs someone. */
export async function printStatus(
  engine: Engine,
  options: { json: boolean; thresholds: StatusThresholds },
): Promise<number> {
  const status = await engineStatus(engine, systemClock.now(), {
    relay: 'when it ran',
    thresholds: options.thresholds,
  });
  if (options.json) {
    console.log(JSON.stringify(status, null, 2));
    return status.problems.length === 0 ? 0 : 1;
  }
  console.log(`head of the log: position ${status.head}`);
  console.log(
    renderTable(
      ['checkpoint', 'position', 'behind (events)', 'oldest unhandled (s)'],
      status.checkpoints.map((c) => [c.name, c.position, c.lagEvents, c.lagSeconds]),
    ),
  );
  if (status.scheduler.length > 0) {
    console.log(
      renderTable(
        ['time zone', 'transitions applied through', 'today there'],
        status.scheduler.map((day) => [day.zone, day.appliedThrough ?? 'never', day.today]),
      ),
    );
  }
  const { states, packed, bytes, maxBytes } = status.stateCache;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`state cache: ${states} aggregates (${packed} of them packed), ${mib(bytes)} of ${mib(maxBytes)}`);
  const { read, written, failed } = status.snapshots;
  console.log(`snapshots of long streams since start: ${read} read, ${written} written, ${failed} refused`);
  const loops = Object.entries(status.parked.byLoop).map(([loop, count]) => `${loop} ${count}`);
  console.log(`parked work: ${status.parked.total}${loops.length ? ` (${loops.join(', ')})` : ''}`);
  for (const work of status.parked.latest) console.log(`  ${work.key}: ${work.error}`);
  console.log(
    status.problems.length === 0 ? 'OK' : `NEEDS ATTENTION:\n${status.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return status.problems.length === 0 ? 0 : 1;
}

/** `lms parked`: the work that kept failing, with its error; exit status 1 when there is any. */
export async function printParked(engine: Engine, json: boolean): Promise<number> {
  const parked = await engine.parked.list();
  if (json) console.log(JSON.stringify(parked, null, 2));
  else if (parked.length === 0) console.log('no parked work');
  else {
    console.log(
      renderTable(
        ['key', 'loop', 'position', 'event', 'user', 'parked at', 'attempts', 'error'],
        parked.map((work) => [
          work.key,
          work.loop,
          work.position,
          work.eventType,
          work.userId,
          work.parkedAt,
          work.attempts,
          work.lastRetry ? `${work.lastRetry.error} (retried ${work.lastRetry.retriedAt})` : work.error,
        ]),
      ),
    );
  }
  return parked.length === 0 ? 0 : 1;
}

/**
 * `lms retry [KEY...]`: runs parked reactions again (all of them, or those named). Parked projection work is cleared
 * by `lms rebuild`. A parked integration event (one NATS refused) stays passed over; naming its key acknowledges it,
 * which clears it from the list. Exit status 1 when a retried reaction still fails or a key is not parked.
 */
export async function retryParked(engine: Engine, keys: string[]): Promise<number> {
  const named = keys.length > 0 ? keys : undefined;
  const known = await engine.parked.list();
  const unknown = named?.filter((key) => !known.some((work) => work.key === key)) ?? [];
  for (const key of unknown) console.log(`${key}: not parked`);
  const outcomes = await engine.reactor.retryParked(named);
  for (const outcome of outcomes)
    console.log(`${outcome.key}: ${outcome.error ? `still failing: ${outcome.error}` : 'done'}`);
  for (const work of known.filter((item) => item.loop !== 'reactor' && (!named || named.includes(item.key)))) {
    if (work.loop === 'projections') console.log(`${work.key}: projection work: run lms rebuild after the fix`);
    else if (work.loop === 'relay' && named) {
      await engine.parked.resolve(work.key, 'acknowledged by an operator: the event stays unpublished');
      console.log(`${work.key}: acknowledged: the integration event stays unpublished`);
    } else console.log(`${work.key}: ${work.loop} work: name its key to acknowledge it`);
  }
  const stillFailing = outcomes.filter((outcome) => outcome.error).length;
  console.log(`retried ${outcomes.length}: ${outcomes.length - stillFailing} done`);
  return stillFailing + unknown.length === 0 ? 0 : 1;
}

/** `lms tick`: the day's scheduled transitions, once, for the embedded store under cron (R5, R22, R23). */
export async function tick(engine: Engine): Promise<number> {
  const reached = await engine.scheduler.runDue();
  await engine.settle();
  const parked = (await engine.parked.list()).filter((work) => work.loop === 'scheduler').length;
  console.log(
    reached === 0
      ? 'nothing due: every time zone is up to date'
      : `scheduled transitions applied for ${reached} users${parked > 0 ? `; ${parked} parked (see lms parked)` : ''}`,
  );
  return parked === 0 ? 0 : 1;
}
