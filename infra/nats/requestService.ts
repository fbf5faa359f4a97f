import type { NatsConnection, Service, ServiceMsg } from 'nats';
import type { Logger } from 'pino';
import type { CommandReply, QueryReply } from '../../handlers/ports/reply';
import { decodeJson, encodeJson, validationFailure } from './payloads';
import type { Subjects } from './subjects';
import { lastToken } from './subjects';

export interface RequestHandlers {
  command(input: unknown): Promise<CommandReply>;
  query(input: unknown): Promise<QueryReply>;
  /** The engine's status: `ok` when nothing needs someone. */
  health(): Promise<{ ok: boolean; problems: string[] }>;
}

/**
 * Commands and queries by request-reply, through the NATS services API so every instance shows up in `$SRV`
 * discovery with its stats. One endpoint per kind on a wildcard subject (`{prefix}.cmd.*`, `{prefix}.query.*`)
 * in a queue group, so an unknown type still gets a clear reply and instances share the load.
 */
export class RequestService {
  private service: Service | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly handlers: RequestHandlers,
    private readonly options: { maxPayload: number; logger: Logger; version: string },
  ) {}

  /**
   * Resolves when the service stops by itself (an endpoint error, a permissions violation): the engine must not run on
   * deaf.
   */
  get stopped(): Promise<null | Error> | undefined {
    return this.service?.stopped;
  }

  async start(): Promise<void> {
    this.service = await this.nc.services.add({
      name: 'lms-engine',
      version: this.options.version,
      description: 'Training-assignment engine: commands and queries',
      queue: this.subjects.queueGroup,
      // $SRV.STATS shows each instance's health beside its request counts.
      statsHandler: () => this.handlers.health().catch((error: Error) => ({ ok: false, problems: [error.message] })),
    });
    this.service.addEndpoint('commands', {
      subject: this.subjects.commands,
      handler: (error, msg) => this.track(error, msg, 'command'),
    });
    this.service.addEndpoint('queries', {
      subject: this.subjects.queries,
      handler: (error, msg) => this.track(error, msg, 'query'),
    });
    this.service.addEndpoint('health', {
      subject: this.subjects.health,
      handler: (error, msg) => {
        if (error) return;
        void this.handlers
          .health()
          .catch((failure: Error) => ({ ok: false, problems: [`status unavailable: ${failure.message}`] }))
          .then((health) => msg.respond(encodeJson(health)));
      },
    });
  }

  /** Stops taking requests and waits for the ones in hand. */
  async stop(): Promise<void> {
    await this.service?.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(error: Error | null, msg: ServiceMsg, kind: 'command' | 'query'): void {
    if (error) {
      this.options.logger.error({ err: error.message, kind }, 'service endpoint error');
      return;
    }
    // Replies always go out (or the caller times out): a rejection here must not become an unhandled one.
    const work = this.answer(msg, kind)
      .catch((failure: Error) => this.options.logger.error({ err: failure.message }, 'request not answered'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async answer(msg: ServiceMsg, kind: 'command' | 'query'): Promise<void> {
    const type = lastToken(msg.subject);
    const decoded = decodeJson(msg.data, this.options.maxPayload);
    try {
      if (!decoded.ok) {
        msg.respond(
          encodeJson(
            kind === 'command'
              ? validationFailure(null, decoded.message)
              : { ok: false, error: validationFailure(null, decoded.message).error },
          ),
        );
        return;
      }
      const input = withType(decoded.value, type);
      if (!input.ok) {
        msg.respond(
          encodeJson(
            kind === 'command'
              ? validationFailure(input.commandId, input.message)
              : { ok: false, error: validationFailure(null, input.message).error },
          ),
        );
        return;
      }
      const reply =
        kind === 'command' ? await this.handlers.command(input.value) : await this.handlers.query(input.value);
      const encoded = encodeJson(reply);
      const limit = this.nc.info?.max_payload ?? 1024 * 1024;
      if (encoded.length > limit && kind === 'command') {
        // Replies are bounded (R27), so this takes a huge message or details; the code stays the command's own.
        msg.respond(encodeJson(outcomeOnly(reply as CommandReply, encoded.length, limit)));
        return;
      }
      if (encoded.length > limit) {
        // Too large for one NATS message: say so, rather than fail in a way a caller would retry forever.
        msg.respond(
          encodeJson({
            ok: false,
            error: {
              code: 'VALIDATION_FAILED',
              message: `the answer is ${encoded.length} bytes, over the NATS limit of ${limit}: ask for less (use limit and offset)`,
              details: {},
            },
          }),
        );
        return;
      }
      msg.respond(encoded);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, subject: msg.subject }, 'request failed');
      try {
        msg.respond(
          encodeJson({
            ok: false,
            ...(kind === 'command' ? { commandId: null } : {}),
            error: {
              code: 'UNAVAILABLE',
              message: 'the engine could not answer this request; try again shortly',
              details: {},
            },
          }),
        );
      } catch {
        // The connection is gone: the caller's timeout answers UNAVAILABLE.
      }
    }
  }
}

/** The subject names the type; a payload may repeat it but must not contradict it. */
export function withType(
  value: unknown,
  type: string,
): { ok: true; value: unknown } | { ok: false; commandId: string | null; message: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, commandId: null, message: 'the payload must be a JSON object' };
  const record = value as Record<string, unknown>;
  const commandId = typeof record.commandId === 'string' ? record.commandId : null;
  if (record.type !== undefined && record.type !== type)
    return {
      ok: false,
      commandId,
      message: `the payload's type ${JSON.stringify(record.type)} contradicts the subject's ${type}`,
    };
  return { ok: true, value: { ...record, type } };
}

/** R27: a command reply too large for NATS still says what happened; the rest is read with CommandOutcome. */
function outcomeOnly(reply: CommandReply, size: number, limit: number): CommandReply {
  const note = `the full reply (${size} bytes) is over the NATS limit of ${limit}: read it with the CommandOutcome query`;
  if (reply.ok)
    return {
      ok: true,
      commandId: reply.commandId,
      position: reply.position,
      events: [],
      eventsTotal: reply.eventsTotal ?? reply.events.length,
      message: `${reply.message.slice(0, 2000)}; ${note}`,
      warnings: [],
    };
  return {
    ok: false,
    commandId: reply.commandId,
    error: { code: reply.error.code, message: `${reply.error.message.slice(0, 2000)}; ${note}`, details: {} },
  };
}
