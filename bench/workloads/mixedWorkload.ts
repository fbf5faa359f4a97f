import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CommandHandler } from '../../handlers/commandHandler';
import type { StoredEvent } from '../../handlers/ports/eventStore';
import { newCommandId } from '../../infra/commandIds';
import { actor } from '../adminCommands';
import type { Result } from '../measure';
import { check, round, runConcurrently, summarize } from '../measure';
import type { GeneratedPortal } from '../portalGenerator';

/** The rule every bench user holds (bench/run.ts's dynamic rule workload creates it). */
const RULE_ID = 'r-everyone';

/**
 * Issue #19's mixed per-user workload: each user is assigned a course individually, starts it, records progress,
 * completes it, is exempted from the rule source of another course, and is reinstated (R9): six commands, in order
 * per user. Run one command at a time and with 64 users in flight, each beside raw better-sqlite3 inserting the very
 * events the engine stored, in the same run: one transaction per command (one fsync each), and the ideal group
 * commit (one transaction per 64 commands). The figures are ratios to that floor.
 */
export async function mixedWorkloads(
  engine: CommandHandler,
  portal: GeneratedPortal,
  quick: boolean,
): Promise<Result[]> {
  // One at a time: 6,000 commands at full size (3,000 took about 1.2 s, and the ratio moved by a fifth between runs).
  const sequentialUsers = quick ? 100 : 1_000;
  const concurrentUsers = quick ? 500 : 5_000;
  const users = portal.userIds;
  check(users.length >= sequentialUsers + concurrentUsers, 'the portal is too small for the mixed workload');
  const individualCourse = portal.courseIds[portal.courseIds.length - 1] as string;
  const ruleCourse = portal.courseIds[1] as string;
  const chain = (userId: string) => commandsFor(userId, individualCourse, ruleCourse);

  const sequential = await runMixed(engine, users.slice(0, sequentialUsers).map(chain), 1);
  const concurrent = await runMixed(
    engine,
    users.slice(sequentialUsers, sequentialUsers + concurrentUsers).map(chain),
    64,
  );
  const rawOne = rawInserts(sequential.eventsByCommand, 1);
  const rawGroup = rawInserts(concurrent.eventsByCommand, 64);
  return [
    mixedResult('one at a time', sequential, rawOne, 'raw one fsync per command', 0.4),
    mixedResult('64 in flight', concurrent, rawGroup, 'raw ideal group commit of 64', 0.25),
  ];
}

type Envelope = { type: string; data: unknown };

function commandsFor(userId: string, courseId: string, ruleCourse: string): Envelope[] {
  return [
    { type: 'AssignCourse', data: { userIds: [userId], courseIds: [courseId] } },
    { type: 'StartCourse', data: { userId, courseId } },
    { type: 'RecordProgress', data: { userId, courseId, progress: 50 } },
    { type: 'CompleteCourse', data: { userId, courseId, score: 90 } },
    { type: 'ExemptUser', data: { userId, courseId: ruleCourse, ruleId: RULE_ID, reason: 'bench: on leave' } },
    { type: 'RemoveExemption', data: { userId, courseId: ruleCourse, ruleId: RULE_ID } },
  ];
}

interface MixedRun {
  commands: number;
  seconds: number;
  latencies: number[];
  /** The events each command stored, read back from the store, in commit order. */
  eventsByCommand: StoredEvent[][];
}

/** Runs every user's chain in order, `inFlight` users at a time (a user's own commands never overlap). */
async function runMixed(engine: CommandHandler, chains: Envelope[][], inFlight: number): Promise<MixedRun> {
  const before = await engine.store.headPosition();
  const latencies: number[] = [];
  let refused = 0;
  const started = performance.now();
  await runConcurrently(chains.length, inFlight, async (i) => {
    for (const command of chains[i] as Envelope[]) {
      const sent = performance.now();
      const reply = await engine.handle({ commandId: newCommandId(), actor, ...command });
      latencies.push(performance.now() - sent);
      if (!reply.ok) refused++;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  check(refused === 0, `${refused} mixed-workload commands refused`);
  const stored = await readSince(engine, before);
  const byCommand = new Map<string, StoredEvent[]>();
  for (const event of stored) {
    const list = byCommand.get(event.metadata.commandId) ?? [];
    list.push(event);
    byCommand.set(event.metadata.commandId, list);
  }
  const commands = chains.reduce((sum, chain) => sum + chain.length, 0);
  // The exemption, its removal and the rest each store at least one event: every command is in the log.
  check(byCommand.size === commands, `expected events of ${commands} commands, found ${byCommand.size}`);
  return { commands, seconds, latencies, eventsByCommand: [...byCommand.values()] };
}

async function readSince(engine: CommandHandler, position: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let from = position; ; ) {
    const page = await engine.store.readAll(from, 10_000);
    if (page.length === 0) return events;
    events.push(...page);
    from = page[page.length - 1]?.position as number;
  }
}

interface RawRun {
  commands: number;
  seconds: number;
}

/**
 * The floor: the same event rows (same ids, streams, revisions, data and metadata) into a table shaped like the
 * engine's (unique id, unique stream and revision), WAL with `synchronous = FULL`, `perCommit` commands per
 * transaction.
 */
function rawInserts(eventsByCommand: StoredEvent[][], perCommit: number): RawRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-bench-mixed-raw-'));
  const db = new Database(path.join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision))',
    );
    const insert = db.prepare(
      'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const commit = db.transaction((commands: StoredEvent[][]) => {
      for (const events of commands)
        for (const event of events)
          insert.run(
            event.id,
            event.stream,
            event.revision,
            event.type,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata),
          );
    });
    const started = performance.now();
    for (let from = 0; from < eventsByCommand.length; from += perCommit)
      commit(eventsByCommand.slice(from, from + perCommit));
    return { commands: eventsByCommand.length, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function mixedResult(mode: string, engine: MixedRun, raw: RawRun, floor: string, level: number): Result {
  const enginePerS = engine.commands / engine.seconds;
  const rawPerS = raw.commands / raw.seconds;
  const ratio = round(enginePerS / rawPerS, 3);
  const events = engine.eventsByCommand.reduce((sum, list) => sum + list.length, 0);
  const { p50Ms, p99Ms } = summarize(engine.latencies);
  return {
    workload: `mixed per-user workload, ${mode}`,
    size: `${engine.commands.toLocaleString('en')} commands, ${round(events / engine.commands, 2)} events each`,
    figures: {
      commandsPerS: Math.round(enginePerS),
      p50Ms,
      p99Ms,
      rawCommandsPerS: Math.round(rawPerS),
      ratioToRaw: ratio,
    },
    target: `≥ ${level} of ${floor}`,
    met: ratio >= level,
  };
}
