import type { ConsumerMessages, JetStreamClient, JsMsg } from 'nats';
import type { Logger } from 'pino';
import type { CommandReply } from '../../handlers/ports/reply';
import { decodeJson, encodeJson, validationFailure } from './payloads';
import { withType } from './requestService';
import type { Subjects } from './subjects';
import { lastToken } from './subjects';

/** Codes that are the command's final answer: redelivering it would give the same one. */
const FINAL_REFUSALS = new Set(['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN', 'RULE_VIOLATION']);

export interface IntakeOptions {
  maxPayload: number;
  /** Attempts at a command that keeps failing (unexpected errors, conflicts) before it is terminated as poison. */
  maxDeliver: number;
  logger: Logger;
  /** Called after a command was handled (the server nudges its reactor and projections). */
  afterCommand?: () => void;
  /** Called for a message JetStream delivers again (metrics). */
  onRedelivery?: () => void;
  /** The first reply to a command handled already (R21), looked up before a message is given up. */
  firstReply?: (commandId: string) => Promise<CommandReply | undefined>;
}

/**
 * How many deliveries one attempt may take before a message is given up unanswered: a crash loop of a few lives
 * redelivers every command in hand without any of them being at fault.
 */
const DELIVERIES_PER_ATTEMPT = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Durable command intake: consumes the commands stream with explicit acks, one message at a time, in stream order
 * within this instance (transient failures are retried in place, never nak'd past later messages). A message is
 * acked only after its command's events and reply are stored; the result goes to `{prefix}.results.{commandId}`.
 * The engine's command-id idempotency keeps a redelivery (or a republish past JetStream's duplicate window) from
 * storing anything twice (R21).
 *
 * While the event store is unavailable the command waits in place (its ack deadline extended) until the store is
 * back: an accepted command is never given up for an outage. Invalid commands are terminated at once; commands
 * that keep failing otherwise are terminated after `maxDeliver` attempts; both are recorded on the dead-letter
 * stream and answered on the results subject, and terminated only once that record is stored.
 */
export class CommandIntake {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly subjects: Subjects,
    private readonly handle: (input: unknown) => Promise<CommandReply>,
    private readonly options: IntakeOptions,
  ) {}

  async start(): Promise<void> {
    // The first subscription is made here so a missing stream or consumer fails the start, not later.
    const consumer = await this.js.consumers.get(this.subjects.streams.commands, this.subjects.intakeConsumer);
    this.messages = await consumer.consume({ max_messages: 4 });
    this.loop = this.run(this.messages);
  }

  /** Stops taking messages, hands back the ones not started, and finishes the one in hand. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.messages?.stop();
    await this.loop;
  }

  /** Consumes until stopped; a consumer that ends or fails (server restart, lost consumer) is taken up again. */
  private async run(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!messages) {
          const consumer = await this.js.consumers.get(this.subjects.streams.commands, this.subjects.intakeConsumer);
          messages = await consumer.consume({ max_messages: 4 });
          this.messages = messages;
        }
        for await (const msg of messages) {
          if (this.stopping) {
            msg.nak();
            continue;
          }
          failures = 0;
          await this.process(msg).catch((error: Error) =>
            this.options.logger.warn(
              { err: error.message, subject: msg.subject },
              'durable command not acked; it will be redelivered',
            ),
          );
        }
      } catch (error) {
        failures++;
        this.options.logger.warn(
          { err: (error as Error).message, failures },
          'durable intake consumer failed; resubscribing',
        );
      }
      messages = undefined;
      if (!this.stopping) await sleep(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    const type = lastToken(msg.subject);
    const headerId = msg.headers?.get('Nats-Msg-Id') || null;
    const decoded = decodeJson(msg.data, this.options.maxPayload);
    if (!decoded.ok) return this.poison(msg, type, headerId, validationFailure(headerId, decoded.message), 'invalid');
    const typed = withType(decoded.value, type);
    if (!typed.ok)
      return this.poison(
        msg,
        type,
        typed.commandId ?? headerId,
        validationFailure(typed.commandId ?? headerId, typed.message),
        'invalid',
      );
    const input = typed.value as Record<string, unknown>;
    // Publishers set Nats-Msg-Id to the command id; a command without its own id takes it from there.
    const commandId = typeof input.commandId === 'string' ? input.commandId : headerId;
    const command = input.commandId === undefined && headerId ? { ...input, commandId: headerId } : input;
    if (msg.info.deliveryCount > 1) this.options.onRedelivery?.();
    // Deliveries are not attempts: a process that died before reaching the decider (a crash loop) counted a delivery
    // each time. The command is tried like any other; only a message redelivered far past the bound (a command that
    // brings the process down each time it is handled) is given up without a try. A command handled already gets
    // its first reply either way (R21).
    if (msg.info.deliveryCount > this.options.maxDeliver * DELIVERIES_PER_ATTEMPT) {
      return this.giveUp(msg, type, commandId);
    }
    for (let attempt = 1, outage = 0; ; ) {
      let reply: CommandReply | undefined;
      let failure: string;
      try {
        reply = await this.handle(command);
        failure = reply.ok ? '' : `${reply.error.code}: ${reply.error.message}`;
      } catch (error) {
        failure = (error as Error).message;
      }
      if (reply && !reply.ok && reply.error.code === 'VALIDATION_FAILED')
        return this.poison(msg, type, commandId, reply, 'invalid');
      if (reply && (reply.ok || FINAL_REFUSALS.has(reply.error.code))) {
        await this.publishResult(commandId, reply);
        msg.ack();
        this.options.afterCommand?.();
        return;
      }
      if (this.stopping) {
        msg.nak();
        return;
      }
      if (reply && !reply.ok && reply.error.code === 'UNAVAILABLE') {
        // An outage: wait in place, keeping the ack deadline alive, until the store answers again.
        outage++;
        if (outage === 1 || outage % 20 === 0)
          this.options.logger.warn({ commandId, type, failure }, 'event store unavailable; durable command waits');
        await this.waitWorking(msg, Math.min(5_000, 250 * 2 ** Math.min(outage, 5)));
        continue;
      }
      if (attempt >= this.options.maxDeliver) {
        const given = {
          ok: false as const,
          commandId,
          error: {
            code: 'UNAVAILABLE' as const,
            message: `gave up after ${attempt} attempts: ${failure}`,
            details: {},
          },
        };
        return this.poison(msg, type, commandId, given, 'failing repeatedly');
      }
      this.options.logger.warn({ commandId, type, attempt, failure }, 'durable command failed; retrying');
      await this.waitWorking(msg, Math.min(5_000, 250 * 2 ** attempt));
      attempt++;
    }
  }

  /** A message redelivered far past the bound: answered with its first reply if it was handled, else dead-lettered. */
  private async giveUp(msg: JsMsg, type: string, commandId: string | null): Promise<void> {
    const first = commandId === null ? undefined : await this.options.firstReply?.(commandId);
    if (first) {
      await this.publishResult(commandId, first);
      msg.ack();
      return;
    }
    const reply = {
      ok: false as const,
      commandId,
      error: {
        code: 'UNAVAILABLE' as const,
        message: `delivered ${msg.info.deliveryCount} times without an answer`,
        details: {},
      },
    };
    return this.poison(msg, type, commandId, reply, 'failing repeatedly');
  }

  /** Waits while telling JetStream the message is in hand (every half second), so it is not redelivered meanwhile. */
  private async waitWorking(msg: JsMsg, ms: number): Promise<void> {
    for (let waited = 0; waited < ms && !this.stopping; waited += 500) {
      msg.working();
      await sleep(Math.min(500, ms - waited));
    }
  }

  /**
   * Records the poison message and its answer, then terminates it; if the record cannot be stored, it comes back later.
   */
  private async poison(msg: JsMsg, type: string, commandId: string | null, reply: unknown, why: string): Promise<void> {
    this.options.logger.warn({ commandId, type, why, deliveries: msg.info.deliveryCount }, 'poison command terminated');
    try {
      await this.js.publish(
        this.subjects.deadLetter(type),
        encodeJson({
          why,
          commandId,
          subject: msg.subject,
          deliveries: msg.info.deliveryCount,
          reply,
          payload: new TextDecoder().decode(msg.data.subarray(0, 64 * 1024)),
        }),
        { msgID: `dead-${msg.info.streamSequence}` },
      );
      await this.publishResult(commandId, reply);
    } catch (error) {
      this.options.logger.warn(
        { commandId, err: (error as Error).message },
        'poison record not stored; the message will come back',
      );
      msg.nak(5_000);
      return;
    }
    // A bare TERM: nats-server 2.9 ignores a TERM that carries a reason.
    msg.term();
  }

  private async publishResult(commandId: string | null, reply: unknown): Promise<void> {
    if (!commandId || !/^[A-Za-z0-9_-]+$/.test(commandId)) return;
    await this.js.publish(this.subjects.result(commandId), encodeJson(reply), { msgID: `result-${commandId}` });
  }
}
