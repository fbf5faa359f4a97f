import type { NatsConnection } from 'nats';
import { ErrorCode, headers } from 'nats';
import type { CommandInputOf, CommandType } from '../../domain/commands';
import { commandTypes } from '../../domain/commands';
import type { QueryInputOf, QueryName } from '../../domain/queries';
import { queryNames } from '../../domain/queries';
import type { CommandReply, QueryReply } from '../../handlers/ports/reply';
import { newCommandId } from '../commandIds';
import { decodeJson, encodeJson } from './payloads';
import { subjectsFor } from './subjects';

/** What a caller gives for a command: the envelope without its type; `commandId` defaults to a fresh ULID. */
export type CommandInput<Type extends CommandType> = Omit<CommandInputOf<Type>, 'type' | 'commandId'> & {
  commandId?: string;
};
export type QueryInput<Name extends QueryName> = Omit<QueryInputOf<Name>, 'type'>;

export interface ClientOptions {
  prefix?: string;
  /** Request timeout in milliseconds (default 5000); a timeout or no responder answers UNAVAILABLE. */
  timeoutMs?: number;
}

/**
 * The typed client for upstream services: one method per command and query, types inferred from the zod schemas.
 * `commands.X` is request-reply; `durable.X` publishes to the JetStream intake (Nats-Msg-Id = commandId) and
 * `awaitResult` waits for the durable command's result.
 */
export function createClient(nc: NatsConnection, options: ClientOptions = {}) {
  const subjects = subjectsFor(options.prefix ?? 'lms');
  const timeout = options.timeoutMs ?? 5000;

  async function request<T>(subject: string, payload: unknown, commandId: string | null): Promise<T> {
    try {
      const reply = await nc.request(subject, encodeJson(payload), { timeout });
      const decoded = decodeJson(reply.data, Number.MAX_SAFE_INTEGER);
      if (decoded.ok) return decoded.value as T;
      return unavailable(commandId, `the engine's reply could not be read: ${decoded.message}`) as T;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why =
        code === ErrorCode.NoResponders
          ? 'no engine is serving'
          : code === ErrorCode.Timeout
            ? `no reply within ${timeout} ms`
            : (error as Error).message;
      return unavailable(commandId, `the engine is unavailable: ${why}; try again shortly`) as T;
    }
  }

  const commands = Object.fromEntries(
    commandTypes.map((type) => [
      type,
      (input: CommandInput<CommandType>) => {
        const commandId = input.commandId ?? newCommandId();
        return request<CommandReply>(subjects.command(type), { ...input, commandId, type }, commandId);
      },
    ]),
  ) as { [Type in CommandType]: (input: CommandInput<Type>) => Promise<CommandReply> };

  const durable = Object.fromEntries(
    commandTypes.map((type) => [
      type,
      async (input: CommandInput<CommandType>) => {
        const commandId = input.commandId ?? newCommandId();
        const h = headers();
        h.set('Nats-Msg-Id', commandId);
        const ack = await nc
          .jetstream()
          .publish(subjects.intake(type), encodeJson({ ...input, commandId, type }), { headers: h, msgID: commandId });
        return { commandId, sequence: ack.seq, duplicate: ack.duplicate };
      },
    ]),
  ) as {
    [Type in CommandType]: (
      input: CommandInput<Type>,
    ) => Promise<{ commandId: string; sequence: number; duplicate: boolean }>;
  };

  const queries = Object.fromEntries(
    queryNames.map((name) => [
      name,
      (input: QueryInput<QueryName>) => request<QueryReply>(subjects.query(name), { ...input, type: name }, null),
    ]),
  ) as {
    [Name in QueryName]: (input: QueryInput<Name>) => Promise<QueryReply>;
  };

  /** Waits for a durable command's result (stored on `{prefix}.results.{commandId}` for a day). */
  async function awaitResult(commandId: string, timeoutMs = timeout): Promise<CommandReply> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // A direct read of the last message on the subject: works on every JetStream server (2.9 and later). Errors
      // (a server restarting, JetStream not ready yet) are retried until the deadline, not thrown at the caller.
      const stored = await nc
        .jetstreamManager()
        .then((jsm) => jsm.streams.getMessage(subjects.streams.results, { last_by_subj: subjects.result(commandId) }))
        .catch(() => undefined);
      if (stored) {
        const decoded = decodeJson(stored.data, Number.MAX_SAFE_INTEGER);
        if (decoded.ok) return decoded.value as CommandReply;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return unavailable(commandId, `no result for ${commandId} within ${timeoutMs} ms`);
  }

  return { commands, durable, queries, awaitResult, subjects };
}

export type EngineClient = ReturnType<typeof createClient>;

function unavailable(commandId: string | null, message: string): CommandReply {
  return { ok: false, commandId, error: { code: 'UNAVAILABLE', message, details: {} } };
}
