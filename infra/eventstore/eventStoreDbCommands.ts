/**
 * Command records of the EventStoreDB adapter: one `CommandRecorded` event in `{prefix}:command-{commandId}`,
 * appended with NO_STREAM so the server itself refuses a second record for the same command id.
 */
import {
  type AppendResult as EsdbAppendResult,
  type EventStoreDBClient,
  jsonEvent,
  NO_STREAM,
} from '@eventstore/db-client';
import { type CommandOwner, type CommandRecord, DuplicateCommandError } from '../../handlers/ports/eventStore';
import { isWrongExpectedVersion } from './eventStoreDbErrors';
import { commandStream, EventStoreDbMappingError } from './eventStoreDbMapping';
import type { EventStoreDbReader } from './eventStoreDbReads';

const COMMAND_RECORDED = 'CommandRecorded';

interface CommandRecordedData {
  commandId: string;
  reply: unknown;
  position: number;
  /** R21: who the first reply belongs to; absent in records written before it was kept. */
  owner?: CommandOwner;
}

function isCommandRecorded(data: unknown): data is CommandRecordedData {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return typeof record.commandId === 'string' && typeof record.position === 'number' && 'reply' in record;
}

export class EventStoreDbCommandRecords {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly prefix: string,
    private readonly reader: EventStoreDbReader,
  ) {}

  async find(commandId: string): Promise<CommandRecord | undefined> {
    const [first] = await this.reader.readPhysical(commandStream(this.prefix, commandId), { maxCount: 1 });
    if (first === undefined) return undefined;
    if (!isCommandRecorded(first.data)) {
      throw new EventStoreDbMappingError(
        `command ${commandId}: ${first.streamId} does not hold a ${COMMAND_RECORDED} event`,
      );
    }
    const { reply, position, owner } = first.data;
    return { commandId, reply, position, ...(owner ? { owner } : {}) };
  }

  /** Throws DuplicateCommandError when the command id is recorded already. */
  async record(command: CommandRecord, position: number): Promise<void> {
    const data: CommandRecordedData = {
      commandId: command.commandId,
      reply: command.reply ?? null,
      position,
      ...(command.owner ? { owner: command.owner } : {}),
    };
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(
        commandStream(this.prefix, command.commandId),
        jsonEvent({ type: COMMAND_RECORDED, data: { ...data } }),
        {
          expectedRevision: NO_STREAM,
        },
      );
    } catch (error) {
      if (isWrongExpectedVersion(error)) throw new DuplicateCommandError(command.commandId);
      throw error;
    }
    if (!result.success) throw new DuplicateCommandError(command.commandId);
  }
}
