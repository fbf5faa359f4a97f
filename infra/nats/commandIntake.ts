import type { ConsumerMessages, JetStreamClient, JsMsg } from 'nats';
import type { Logger } from 'pino';
import type { CommandReply } from '../../handlers/reply';
import { decodeJson, encodeJson, validationFailure } from './payloads';
import { withType } from './requestService';
import type { Subjects } from './subjects';
import { lastToken } from './subjects';

/** Codes that are the command's final answer: redelivering it would give the same one. */
const FINAL_REFUSALS = new Set(['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'RULE_VIOLATION']);

export interface IntakeOptions {
  maxPayload: number;
  maxDeliver: number;
  logger: Logger;
  /** Called after a command was handled (the server nudges its reactor and projections). */
  afterCommand?: () => void;
}

/**
 * Durable command intake: consumes the commands stream with explicit acks, one message at a time in stream order.
 * A message is acked only after its command's events and reply are stored; the result goes to
 * `{prefix}.results.{commandId}`. The engine's command-id idempotency keeps a redelivery (or a republish past
 * JetStream's duplicate window) from storing anything twice (R21). Invalid commands and commands that keep
 * failing are terminated and recorded on the dead-letter stream, never redelivered forever.
 */
export class CommandIntake {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly subjects: Subjects,
    private readonly handle: (input: unknown) => Promise<CommandReply>,
    private readonly options: IntakeOptions,
  ) {}

  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(this.subjects.streams.commands, this.subjects.intakeConsumer);
    this.messages = await consumer.consume({ max_messages: 64 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const msg of messages) {
        // A failure here (NATS gone while publishing the result) leaves the message unacked: it comes back.
        await this.process(msg).catch((error: Error) => this.options.logger.warn({ err: error.message, subject: msg.subject }, 'durable command not acked; it will be redelivered'));
      }
    })();
  }

  /** Stops taking messages and finishes the one in hand. */
  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop?.catch(() => undefined);
  }

  private async process(msg: JsMsg): Promise<void> {
    const type = lastToken(msg.subject);
    const headerId = msg.headers?.get('Nats-Msg-Id') || null;
    const decoded = decodeJson(msg.data, this.options.maxPayload);
    if (!decoded.ok) return this.poison(msg, type, headerId, validationFailure(headerId, decoded.message), 'invalid');
    const typed = withType(decoded.value, type);
    if (!typed.ok) return this.poison(msg, type, headerId, validationFailure(typed.commandId ?? headerId, typed.message), 'invalid');
    const input = typed.value as Record<string, unknown>;
    // Publishers set Nats-Msg-Id to the command id; a command without its own id takes it from there.
    const command = input.commandId === undefined && headerId ? { ...input, commandId: headerId } : input;
    let reply: CommandReply;
    try {
      reply = await this.handle(command);
    } catch (error) {
      return this.retryOrPoison(msg, type, headerId, (error as Error).message);
    }
    if (!reply.ok && reply.error.code === 'VALIDATION_FAILED') return this.poison(msg, type, headerId, reply, 'invalid');
    if (reply.ok || FINAL_REFUSALS.has(reply.error.code)) {
      await this.publishResult(reply.commandId ?? headerId, reply);
      msg.ack();
      this.options.afterCommand?.();
      return;
    }
    return this.retryOrPoison(msg, type, headerId, `${reply.error.code}: ${reply.error.message}`);
  }

  /** Transient failure (store unavailable, conflicts): redeliver with backoff until the bound, then terminate. */
  private async retryOrPoison(msg: JsMsg, type: string, commandId: string | null, reason: string): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    if (deliveries >= this.options.maxDeliver) {
      const reply = { ok: false as const, commandId, error: { code: 'UNAVAILABLE' as const, message: `gave up after ${deliveries} deliveries: ${reason}`, details: {} } };
      return this.poison(msg, type, commandId, reply, 'failing repeatedly');
    }
    this.options.logger.warn({ commandId, type, deliveries, reason }, 'durable command failed; will be redelivered');
    msg.nak(Math.min(30_000, 500 * 2 ** (deliveries - 1)));
  }

  private async poison(msg: JsMsg, type: string, commandId: string | null, reply: unknown, why: string): Promise<void> {
    this.options.logger.warn({ commandId, type, why, deliveries: msg.info.deliveryCount }, 'poison command terminated');
    try {
      await this.js.publish(this.subjects.deadLetter(type), encodeJson({ why, commandId, subject: msg.subject, deliveries: msg.info.deliveryCount, reply, payload: new TextDecoder().decode(msg.data.subarray(0, 64 * 1024)) }));
      if (commandId) await this.publishResult(commandId, reply);
    } finally {
      msg.term(why);
    }
  }

  private async publishResult(commandId: string | null, reply: unknown): Promise<void> {
    if (!commandId || !/^[A-Za-z0-9_-]+$/.test(commandId)) return;
    await this.js.publish(this.subjects.result(commandId), encodeJson(reply), { msgID: `result-${commandId}` });
  }
}
