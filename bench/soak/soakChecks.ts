import path from 'node:path';
import type { NatsConnection } from 'nats';
import { StringCodec } from 'nats';
import { isEventType } from '../../domain/events';
import type { StoredEvent } from '../../handlers/ports/eventStore';
import type { CommandReply } from '../../handlers/ports/reply';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import type { createClient } from '../../infra/nats/client';
import { runCli } from '../../test/support/engineProcess';
import type { SentCommand } from './soakLoad';
import type { Poison } from './soakPoison';

type Client = ReturnType<typeof createClient>;
export interface SoakReport {
  minutes: number;
  restarts: number;
  commands: number;
  events: number;
  checks: { check: string; ok: boolean; detail: string }[];
}

const sc = StringCodec();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every check of the soak, from outside: the store, JetStream, the CLI. */
export async function checkSoak(input: {
  client: Client;
  nc: NatsConnection;
  data: string;
  env: Record<string, string>;
  sent: SentCommand[];
  poison: Poison;
  restarts: number;
  minutes: number;
}): Promise<SoakReport> {
  const { client, nc, data, env, sent, poison } = input;
  const checks: SoakReport['checks'] = [];
  const unanswered = await answerEverything(client, sent);
  checks.push({
    check: 'every command answered (retried with its own id after a SIGKILL)',
    ok: unanswered === 0,
    detail: `${unanswered} unanswered of ${sent.length}`,
  });
  await settle(nc);
  const store = SqliteEventStore.open({ file: path.join(data, 'events.db') });
  try {
    const log = await readAll(store);
    checks.push(await nothingLost(store, sent, log));
    checks.push(nothingDuplicated(sent, log));
    checks.push(noNoticeTwice(log));
    checks.push(await eventsPublishedOnce(nc, log, poison));
    checks.push(poisonParked(data, env, poison));
    await fixPoison(client, poison);
    const retried = runCli(['retry', '--data', data], { ...env, LMS_BOOTSTRAP_ADMIN: 'root' });
    checks.push({ check: 'poison retried after the fix', ok: retried.status === 0, detail: lastLine(retried.stdout) });
    return { minutes: input.minutes, restarts: input.restarts, commands: sent.length, events: log.length, checks };
  } finally {
    await store.close();
  }
}

/** Request-reply commands that met a SIGKILL are sent again with their own id (R21); durable ones are awaited. */
async function answerEverything(client: Client, sent: SentCommand[]): Promise<number> {
  const deadline = Date.now() + 180_000;
  for (const command of sent) {
    while (Date.now() < deadline) {
      if (command.durable) {
        const result = await client.awaitResult(command.commandId, 10_000);
        if (!(!result.ok && result.error.code === 'UNAVAILABLE')) {
          command.reply = result;
          break;
        }
        continue;
      }
      if (command.reply && !(!command.reply.ok && command.reply.error.code === 'UNAVAILABLE')) break;
      const resend = (client.commands as unknown as Record<string, (input: unknown) => Promise<CommandReply>>)[
        command.type
      ];
      command.reply = await resend?.({ commandId: command.commandId, actor: { userId: 'root' }, data: {} });
      // The first reply comes back whatever data the retry carries (R21); a refusal of the retry's data means the
      // first attempt never arrived, which a resend with its data settles below.
      if (command.reply && !command.reply.ok && command.reply.error.code === 'VALIDATION_FAILED')
        command.reply = undefined;
      if (!command.reply) await sleep(200);
    }
  }
  return sent.filter((command) => !command.reply || (!command.reply.ok && command.reply.error.code === 'UNAVAILABLE'))
    .length;
}

/** Waits until the reactor, the read models and the relay have reached the head (health says so). */
async function settle(nc: NatsConnection): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const reply = await nc.request('lms.health', sc.encode(''), { timeout: 5000 }).catch(() => undefined);
    const status = reply ? (JSON.parse(sc.decode(reply.data)) as { checkpoints: { lagEvents: number }[] }) : undefined;
    if (status?.checkpoints.every((checkpoint) => checkpoint.lagEvents === 0)) return;
    await sleep(500);
  }
  throw new Error('the engine did not settle within 2 minutes');
}

async function readAll(store: SqliteEventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let position = 0; ; ) {
    const page = await store.readAll(position, 10_000);
    if (page.length === 0) return events;
    events.push(...page);
    position = (page[page.length - 1] as StoredEvent).position;
  }
}

/** Every command answered ok is recorded, and its events are in the log. */
async function nothingLost(store: SqliteEventStore, sent: SentCommand[], log: StoredEvent[]) {
  const byCommand = countBy(log, (event) => event.metadata.commandId);
  let lost = 0;
  for (const command of sent) {
    if (!command.reply?.ok) continue;
    const recorded = await store.findCommand(command.commandId);
    if (!recorded || (byCommand.get(command.commandId) ?? 0) < command.reply.events.length) lost++;
  }
  return {
    check: 'nothing lost: every accepted command recorded with its events',
    ok: lost === 0,
    detail: `${lost} lost`,
  };
}

/** No command's events were stored twice. */
function nothingDuplicated(sent: SentCommand[], log: StoredEvent[]) {
  const byCommand = countBy(log, (event) => event.metadata.commandId);
  const doubled = sent.filter(
    (command) => command.reply?.ok && (byCommand.get(command.commandId) ?? 0) > command.reply.events.length,
  );
  return {
    check: 'nothing duplicated: each command stored its events once',
    ok: doubled.length === 0,
    detail: `${doubled.length} doubled`,
  };
}

/** R22, R23: one overdue notice per due date, one reminder per due date and reminder day, whatever the restarts. */
function noNoticeTwice(log: StoredEvent[]) {
  const key = (event: StoredEvent) => {
    const data = event.data as { userId: string; courseId: string; dueDate: string; daysBefore?: number };
    return `${event.type}|${data.userId}|${data.courseId}|${data.dueDate}|${data.daysBefore ?? ''}`;
  };
  const kinds = ['AssignmentOverdue', 'AssignmentDueSoon', 'RecertificationDue'];
  const notices = log.filter((event) => kinds.includes(event.type));
  const twice = [...countBy(notices, key).values()].filter((count) => count > 1).length;
  const byKind = countBy(notices, (event) => event.type);
  return {
    check: 'no notice sent twice (overdue, reminders, retakes)',
    ok: twice === 0 && kinds.every((kind) => (byKind.get(kind) ?? 0) > 0),
    detail: `${notices.length} notices (${kinds.map((kind) => `${byKind.get(kind) ?? 0} ${kind}`).join(', ')}), ${twice} twice`,
  };
}

/** Every domain event published once on JetStream, but the one NATS cannot take. */
async function eventsPublishedOnce(nc: NatsConnection, log: StoredEvent[], poison: Poison) {
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info('LMS_EVENTS');
  const expected = log.filter((event) => isEventType(event.type) && event.id !== poison.oversizedEventId).length;
  return {
    check: 'integration events: each domain event published once (JetStream message count)',
    ok: state.messages === expected,
    detail: `${state.messages} published, ${expected} domain events stored`,
  };
}

function poisonParked(data: string, env: Record<string, string>, poison: Poison) {
  const listed = runCli(['parked', '--json', '--data', data], { ...env, LMS_BOOTSTRAP_ADMIN: 'root' });
  const parked = JSON.parse(listed.stdout || '[]') as { loop: string; userId: string | null; eventId: string | null }[];
  const users = poison.users.filter((userId) =>
    parked.some((work) => work.loop === 'reactor' && work.userId === userId),
  );
  const relay = parked.some((work) => work.loop === 'relay' && work.eventId === poison.oversizedEventId);
  return {
    check: 'every poison item parked and listed',
    ok: users.length === poison.users.length && relay,
    detail: `${parked.length} parked: ${users.length}/${poison.users.length} poison users, oversized event ${relay ? 'parked' : 'MISSING'}`,
  };
}

/** The fix an operator would make: the hire dates corrected. */
async function fixPoison(client: Client, poison: Poison): Promise<void> {
  for (const userId of poison.users) {
    const reply = await client.commands.UpdateUserProfile({
      actor: { userId: 'root' },
      data: { userId, hireDate: '2026-01-05' },
    });
    if (!reply.ok) throw new Error(`fix refused: ${reply.error.message}`);
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
