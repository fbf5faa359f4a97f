import { ReferenceDataFeed } from '../../handlers/referenceDataFeed';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';

/**
 * The reference data every decision consults (R17's grants, the org tree, users) is caught up before each command;
 * commands arriving together share one catch-up, and none is decided on data older than its own arrival.
 */

/** A real store whose head read can be held (after it has read the head), and which counts head reads. */
class GatedStore extends MemoryEventStore {
  headReads = 0;
  gate: Promise<void> | undefined;

  override async headPosition(): Promise<number> {
    this.headReads++;
    const head = await super.headPosition();
    await this.gate;
    return head;
  }
}

function defineOrgUnit(store: MemoryEventStore, orgUnitId: string) {
  return store.append([
    {
      stream: `orgunit-${orgUnitId}`,
      expectedRevision: 'no_stream',
      events: [
        {
          id: `e-${orgUnitId}`,
          type: 'OrgUnitDefined',
          data: { orgUnitId, name: orgUnitId, parentId: null },
          metadata: { actorId: 'root', commandId: `c-${orgUnitId}`, correlationId: `c-${orgUnitId}`, occurredAt: '' },
        },
      ],
    },
  ]);
}

describe('the reference-data feed', () => {
  test('R17: callers arriving during a catch-up share the next one: eleven callers, two catch-ups', async () => {
    const store = new GatedStore();
    await defineOrgUnit(store, 'acme');
    const feed = new ReferenceDataFeed(store, 'root');
    let open = () => {};
    store.gate = new Promise((resolve) => (open = resolve));
    const first = feed.catchUp();
    const others = Array.from({ length: 10 }, () => feed.catchUp());
    open();
    await Promise.all([first, ...others]);
    expect(store.headReads).toBe(2);
    expect(feed.referenceData.orgUnits.has('acme')).toBe(true);
  });

  test('R17: a caller asking during a catch-up that began before a change is decided on the change', async () => {
    const store = new GatedStore();
    await defineOrgUnit(store, 'acme');
    const feed = new ReferenceDataFeed(store, 'root');
    let open = () => {};
    store.gate = new Promise((resolve) => (open = resolve));
    // The running catch-up has read the head before the new org unit is stored...
    const running = feed.catchUp();
    await new Promise((resolve) => setImmediate(resolve));
    await defineOrgUnit(store, 'globex');
    // ...so the caller asking now waits for the next one, which reads it.
    const asking = feed.catchUp();
    open();
    await running;
    expect(feed.referenceData.orgUnits.has('globex')).toBe(false);
    await asking;
    expect(feed.referenceData.orgUnits.has('globex')).toBe(true);
    expect(feed.at).toBe(await store.headPosition());
  });

  test('a failed catch-up fails its callers only; the next caller catches up', async () => {
    const store = new GatedStore();
    await defineOrgUnit(store, 'acme');
    const feed = new ReferenceDataFeed(store, 'root');
    store.gate = Promise.reject(new Error('disk gone'));
    store.gate.catch(() => undefined);
    await expect(feed.catchUp()).rejects.toThrow('disk gone');
    store.gate = undefined;
    await feed.catchUp();
    expect(feed.referenceData.orgUnits.has('acme')).toBe(true);
  });
});
