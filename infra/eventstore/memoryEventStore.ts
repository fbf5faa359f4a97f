/**
 * In-memory EventStore for tests: the same semantics as the SQLite adapter, proven by the same contract suite.
 *
 * Design notes:
 * - Data and metadata are kept as JSON text and parsed on every read, as SQLite does, so callers get fresh
 *   objects (mutating a read event cannot change the store) and exactly what a JSON round trip keeps.
 * - `append` runs synchronously from start to end (no await inside), so it is atomic with respect to every
 *   other call; a failing write rolls back what the earlier writes of the same call added.
 * - Idempotency: a write whose first event id is stored in that stream, and whose ids are all stored there at
 *   consecutive revisions in the same order, stores nothing and returns the original result (whatever its
 *   expectedRevision). A partial match, another order, or an id stored in another stream is refused with
 *   WrongExpectedRevisionError for the write's stream (actual = that stream's current revision).
 * - A command record is checked first (a duplicate wins over a revision conflict) and kept only when the
 *   events were stored.
 * - Subscriptions are woken after each append; no polling is needed since nobody else writes the arrays.
 */

import {
  type AppendOptions,
  type AppendResult,
  type CommandOwner,
  type CommandRecord,
  DuplicateCommandError,
  type EventMetadata,
  type EventStore,
  EventStoreUnavailableError,
  type StoredEvent,
  type StreamSnapshot,
  type StreamWrite,
  type StreamWriteResult,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
} from '../../handlers/ports/eventStore';
import { SubscriptionHub } from './catchUpSubscription';
import { keepsSnapshot, matchesExpected, toJson } from './writeRules';

interface Row {
  id: string;
  stream: string;
  revision: number;
  position: number;
  type: string;
  data: string;
  metadata: string;
}

export interface MemoryEventStoreOptions {
  /** Events per readAll page for subscriptions (default 500). */
  subscriptionPageSize?: number;
}

export class MemoryEventStore implements EventStore {
  /** rows[i] has position i + 1. */
  private readonly rows: Row[] = [];
  /** Stream -> positions of its events, index = revision. */
  private readonly streams = new Map<string, number[]>();
  /** Event id -> position. */
  private readonly ids = new Map<string, number>();
  /** Command id -> reply JSON, and who the reply belongs to (R21). */
  private readonly commands = new Map<string, { reply: string; position: number; owner?: CommandOwner | undefined }>();
  private readonly checkpoints = new Map<string, number>();
  private readonly snapshots = new Map<string, StreamSnapshot>();
  private readonly hub: SubscriptionHub;
  private closed = false;

  constructor(options: MemoryEventStoreOptions = {}) {
    this.hub = new SubscriptionHub({
      readAll: (fromPosition, limit) => this.readAll(fromPosition, limit),
      pageSize: options.subscriptionPageSize,
    });
  }

  async append(writes: StreamWrite[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const command = options.command;
    if (command !== undefined && this.commands.has(command.commandId)) {
      throw new DuplicateCommandError(command.commandId);
    }
    const replyJson = command === undefined ? undefined : toJson(command.reply);
    const rowsBefore = this.rows.length;
    const results: StreamWriteResult[] = [];
    try {
      for (const write of writes) results.push(this.applyWrite(write));
    } catch (error) {
      this.rollback(rowsBefore);
      throw error;
    }
    if (command !== undefined && replyJson !== undefined)
      this.commands.set(command.commandId, { reply: replyJson, position: this.rows.length, owner: command.owner });
    if (this.rows.length > rowsBefore) this.hub.wakeAll();
    return { streams: results, position: this.rows.length };
  }

  async readStream(stream: string, fromRevision = 0): Promise<StoredEvent[]> {
    this.assertOpen();
    const positions = this.streams.get(stream) ?? [];
    return positions.slice(Math.max(0, Math.ceil(fromRevision))).map((position) => this.eventAt(position));
  }

  async streamRevision(stream: string): Promise<number> {
    this.assertOpen();
    return this.currentRevision(stream);
  }

  async readAll(fromPosition: number, limit: number): Promise<StoredEvent[]> {
    this.assertOpen();
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    const start = Math.max(0, Math.floor(fromPosition));
    return this.rows.slice(start, start + count).map((row) => this.toEvent(row));
  }

  /** As the SQLite store: every stream but `training-*`, plus training events of the given types. */
  async readReferenceData(
    fromPosition: number,
    toPosition: number,
    limit: number,
    trainingTypes: readonly string[] = [],
  ): Promise<StoredEvent[]> {
    this.assertOpen();
    const count = Math.floor(limit);
    const events: StoredEvent[] = [];
    for (
      let position = Math.max(0, Math.floor(fromPosition)) + 1;
      position <= Math.min(toPosition, this.rows.length) && events.length < count;
      position++
    ) {
      const row = this.rows[position - 1] as Row;
      if (!row.stream.startsWith('training-') || trainingTypes.includes(row.type)) events.push(this.toEvent(row));
    }
    return events;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    return this.hub.subscribe(options.fromPosition);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.rows.length;
  }

  async findCommand(commandId: string): Promise<CommandRecord | undefined> {
    this.assertOpen();
    const record = this.commands.get(commandId);
    return record === undefined
      ? undefined
      : {
          commandId,
          reply: JSON.parse(record.reply) as unknown,
          position: record.position,
          ...(record.owner ? { owner: { ...record.owner } } : {}),
        };
  }

  async readCheckpoint(name: string): Promise<number> {
    this.assertOpen();
    return this.checkpoints.get(name) ?? 0;
  }

  async writeCheckpoint(name: string, position: number): Promise<void> {
    this.assertOpen();
    this.checkpoints.set(name, position);
  }

  async readSnapshot(stream: string): Promise<StreamSnapshot | undefined> {
    this.assertOpen();
    const kept = this.snapshots.get(stream);
    return kept ? { ...kept } : undefined;
  }

  async writeSnapshot(stream: string, snapshot: StreamSnapshot): Promise<void> {
    this.assertOpen();
    if (!keepsSnapshot(this.snapshots.get(stream), snapshot, this.currentRevision(stream))) return;
    const { revision, format, state } = snapshot;
    this.snapshots.set(stream, { revision, format, state });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.hub.closeAll();
  }

  private applyWrite(write: StreamWrite): StreamWriteResult {
    const { stream, expectedRevision, events } = write;
    const current = this.currentRevision(stream);
    const first = events[0];
    if (first !== undefined && this.ids.has(first.id)) {
      return this.matchIdempotent(write, current);
    }
    if (!matchesExpected(expectedRevision, current)) {
      throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    }
    if (first === undefined) return { stream, nextRevision: current, position: 0 };
    let positions = this.streams.get(stream);
    if (positions === undefined) {
      positions = [];
      this.streams.set(stream, positions);
    }
    for (const event of events) {
      // A later id already stored (here or elsewhere): the write is neither new nor a replay.
      if (this.ids.has(event.id)) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
      const position = this.rows.length + 1;
      this.rows.push({
        id: event.id,
        stream,
        revision: positions.length,
        position,
        type: event.type,
        data: toJson(event.data),
        metadata: toJson(event.metadata),
      });
      positions.push(position);
      this.ids.set(event.id, position);
    }
    return { stream, nextRevision: positions.length - 1, position: this.rows.length };
  }

  /** The write's first id is stored: it is a replay only if every id sits in this stream, consecutively, in order. */
  private matchIdempotent(write: StreamWrite, current: number): StreamWriteResult {
    const { stream, expectedRevision, events } = write;
    const refuse = (): never => {
      throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    };
    const positions = this.streams.get(stream) ?? [];
    let last: Row | undefined;
    for (const event of events) {
      const position = this.ids.get(event.id);
      const row = position === undefined ? undefined : this.rows[position - 1];
      if (row === undefined || row.stream !== stream) return refuse();
      if (last !== undefined && row.revision !== last.revision + 1) return refuse();
      if (positions[row.revision] !== row.position) return refuse();
      last = row;
    }
    if (last === undefined) return refuse();
    return { stream, nextRevision: last.revision, position: last.position };
  }

  private rollback(rowsBefore: number): void {
    for (const row of this.rows.splice(rowsBefore)) {
      this.ids.delete(row.id);
      const positions = this.streams.get(row.stream);
      if (positions === undefined) continue;
      positions.pop();
      if (positions.length === 0) this.streams.delete(row.stream);
    }
  }

  private currentRevision(stream: string): number {
    return (this.streams.get(stream)?.length ?? 0) - 1;
  }

  private eventAt(position: number): StoredEvent {
    const row = this.rows[position - 1];
    if (row === undefined) throw new Error(`memory event store: no event at position ${position}`);
    return this.toEvent(row);
  }

  private toEvent(row: Row): StoredEvent {
    return {
      id: row.id,
      stream: row.stream,
      type: row.type,
      revision: row.revision,
      position: row.position,
      data: JSON.parse(row.data) as unknown,
      metadata: JSON.parse(row.metadata) as EventMetadata,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('memory event store is closed');
  }
}
