import type { AppendOptions, EventStore, StreamWrite } from '../../handlers/ports/eventStore';
import { AppendTooLargeError, EventStoreUnavailableError } from '../../handlers/ports/eventStore';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import { engineHarness } from '../support/engineHarness';
import { withOverrides } from '../support/storeOverrides';
import { wholeLog } from '../support/wholeLog';

/**
 * A store whose next multi-stream append is cut by an outage after its first stream write landed, as on EventStoreDB
 * (one stream per server call) when the connection drops between two writes.
 */
function cutOnceAfterFirstWrite(inner: MemoryEventStore): { store: EventStore; cutNext: () => void } {
  let cut = false;
  const store = withOverrides(inner, {
    append: async (writes: StreamWrite[], options?: AppendOptions) => {
      const [first] = writes;
      if (cut && first !== undefined && writes.length > 1) {
        cut = false;
        await inner.append([first]);
        throw new EventStoreUnavailableError('the connection dropped between two stream writes');
      }
      return inner.append(writes, options);
    },
  });
  return { store, cutNext: () => (cut = true) };
}

describe('issue #15: an outage in the middle of a multi-stream append', () => {
  test('R16, R21: the same plan is committed again, so the command ends whole: every event once, all counted', async () => {
    const { store, cutNext } = cutOnceAfterFirstWrite(new MemoryEventStore());
    const h = engineHarness({ store });
    await h.seedPortal();
    const before = (await wholeLog(store)).length;
    cutNext();
    const reply = await h.ok('AssignCourse', { userIds: ['ada', 'sam', 'grace'], courseIds: ['security'] });
    expect(reply.events.map((event) => [event.stream, event.type])).toEqual([
      ['training-ada', 'TrainingAssigned'],
      ['training-sam', 'TrainingAssigned'],
      ['training-grace', 'TrainingAssigned'],
    ]);
    const added = (await wholeLog(store)).slice(before);
    expect(added.map((event) => [event.stream, event.type])).toEqual([
      ['training-ada', 'TrainingAssigned'],
      ['training-sam', 'TrainingAssigned'],
      ['training-grace', 'TrainingAssigned'],
    ]);
    const recorded = (await store.findCommand(reply.commandId))?.reply as { ok: boolean; events: unknown[] };
    expect([recorded.ok, recorded.events.length]).toEqual([true, 3]);
  });
});

describe("issue #15: a write over the event store's size limit", () => {
  test('R28: the command is VALIDATION_FAILED, saying which stream and what to do, and nothing is stored', async () => {
    const inner = new MemoryEventStore();
    let refuse = false;
    const store = withOverrides(inner, {
      append: async (writes: StreamWrite[], options?: AppendOptions) => {
        if (refuse) throw new AppendTooLargeError(writes[0]?.stream ?? '?', 1_200_000, 1_048_576);
        return inner.append(writes, options);
      },
    });
    const h = engineHarness({ store });
    await h.seedPortal();
    const before = (await wholeLog(store)).length;
    refuse = true;
    const reply = await h.send('AssignCourse', { userIds: ['ada'], courseIds: ['security'] });
    refuse = false;
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(reply.ok ? '' : reply.error.message).toMatch(
      /training-ada are 1200000 bytes, over the event store's limit of 1048576 bytes .*send it in smaller parts/,
    );
    expect((await wholeLog(store)).length).toBe(before);
  });
});
