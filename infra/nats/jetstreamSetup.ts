import type { JetStreamManager, StreamConfig } from 'nats';
import { AckPolicy, DeliverPolicy, DiscardPolicy, nanos, RetentionPolicy, StorageType } from 'nats';
import type { Subjects } from './subjects';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The JetStream streams and the intake consumer, created or updated at start with explicit settings (not the
 * server's defaults), so every environment runs the same configuration.
 */
export function streamConfigs(
  subjects: Subjects,
  options: { maxPayload: number; replicas?: number },
): Partial<StreamConfig>[] {
  const common = { storage: StorageType.File, num_replicas: options.replicas ?? 1, discard: DiscardPolicy.Old };
  return [
    // Durable command intake: a work queue (a message leaves once acked), deduplicated by Nats-Msg-Id = commandId.
    {
      ...common,
      name: subjects.streams.commands,
      subjects: [subjects.intakeAll],
      retention: RetentionPolicy.Workqueue,
      duplicate_window: nanos(2 * MINUTE),
      max_age: nanos(7 * DAY),
      max_msg_size: options.maxPayload,
    },
    // Results of durable commands, kept a day for callers that read them late.
    {
      ...common,
      name: subjects.streams.results,
      subjects: [subjects.resultsAll],
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(2 * MINUTE),
      max_age: nanos(DAY),
    },
    // Integration events, deduplicated by event id.
    {
      ...common,
      name: subjects.streams.events,
      subjects: [subjects.eventsAll],
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(2 * MINUTE),
      max_age: nanos(30 * DAY),
    },
    // Poison commands, terminated and recorded for an operator.
    {
      ...common,
      name: subjects.streams.deadLetters,
      subjects: [subjects.deadLettersAll],
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(2 * MINUTE),
      max_age: nanos(30 * DAY),
    },
  ];
}

export async function ensureJetStream(
  jsm: JetStreamManager,
  subjects: Subjects,
  options: { maxPayload: number; maxDeliver: number; ackWaitSeconds: number; replicas?: number },
): Promise<void> {
  for (const config of streamConfigs(subjects, options)) {
    const name = config.name as string;
    const exists = await jsm.streams.info(name).then(
      () => true,
      (error: { code?: string; api_error?: { err_code?: number } }) => {
        // Only "stream not found" means create it; anything else (JetStream disabled: 503) is a start failure.
        if (error.api_error?.err_code === 10059 || error.code === '404') return false;
        throw new Error(
          error.code === '503'
            ? `JetStream is not enabled on the NATS server (start nats-server with -js)`
            : `cannot read stream ${name}: ${String((error as Error).message ?? error)}`,
        );
      },
    );
    if (exists) await jsm.streams.update(name, config);
    else await jsm.streams.add(config);
  }
  const consumer = {
    durable_name: subjects.intakeConsumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    // The intake gives up after maxDeliver attempts (or four times as many deliveries) itself and records why; the
    // server's bound is a backstop.
    max_deliver: options.maxDeliver * 4 + 2,
    ack_wait: nanos(options.ackWaitSeconds * 1000),
    max_ack_pending: 1000,
  };
  const existing = await jsm.consumers.info(subjects.streams.commands, subjects.intakeConsumer).then(
    () => true,
    (error: { code?: string; api_error?: { err_code?: number } }) => {
      if (error.api_error?.err_code === 10014 || error.code === '404') return false;
      throw error;
    },
  );
  if (existing)
    await jsm.consumers.update(subjects.streams.commands, subjects.intakeConsumer, {
      max_deliver: consumer.max_deliver,
      ack_wait: consumer.ack_wait,
      max_ack_pending: consumer.max_ack_pending,
    });
  else await jsm.consumers.add(subjects.streams.commands, consumer);
}

/** NATS answers a JetStream request with a bare "503" when JetStream is off or not ready yet: say so. */
export function jetStreamSetUpError(caught: unknown): Error {
  const error = caught instanceof Error ? caught : new Error(String(caught));
  if (error.message !== '503' && (error as { code?: string }).code !== '503') return error;
  return new Error('JetStream is not enabled on the NATS server, or not ready yet (start nats-server with -js)');
}
