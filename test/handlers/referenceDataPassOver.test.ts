import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { engineHarness } from '../support/engineHarness';
import { withOverrides } from '../support/storeOverrides';

// Issue #19: before each decision the engine reads the reference data stored since the last one. What a command of
// its own stored in training streams only is passed over without being read back, unless another writer's event
// lies before it: that one must still be read.

/** The store with its reference-data reads counted, and a hook run just before each append. */
function watched(store: SqliteEventStore, beforeAppend: () => Promise<void>) {
  const counts = { referenceReads: 0 };
  const proxy = withOverrides(store, {
    readReferenceData: (...args: Parameters<SqliteEventStore['readReferenceData']>) => {
      counts.referenceReads++;
      return store.readReferenceData(...args);
    },
    append: async (...args: Parameters<SqliteEventStore['append']>) => {
      await beforeAppend();
      return store.append(...args);
    },
  });
  return { proxy, counts };
}

describe('issue #19: the reference data read before a decision', () => {
  let dir: string;
  let first: SqliteEventStore;
  let second: SqliteEventStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-pass-over-'));
    first = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    second = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
  });

  afterEach(async () => {
    await first.close();
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("issue #19: a command's own training events are not read back before the next decision", async () => {
    const { proxy, counts } = watched(first, async () => undefined);
    const h = engineHarness({ store: proxy });
    await h.seedPortal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    // The command handler alone (the engine's reactor reads the log on its own after each command).
    const decide = async (type: string, data: unknown) => {
      const reply = await h.commands.handle(h.envelope(type, data));
      expect(reply).toMatchObject({ ok: true });
    };
    await decide('StartCourse', { userId: 'ada', courseId: 'fire-safety' });
    counts.referenceReads = 0;
    await decide('RecordProgress', { userId: 'ada', courseId: 'fire-safety', progress: 50 });
    await decide('RecordProgress', { userId: 'ada', courseId: 'fire-safety', progress: 60 });
    expect(counts.referenceReads).toBe(0);
    // A reference change of its own is read as before.
    await decide('RegisterUser', {
      userId: 'bob',
      name: 'Bob',
      email: 'bob@acme.test',
      orgUnitId: 'sales',
      hireDate: '2024-01-08',
    });
    await decide('AssignCourse', { userIds: ['bob'], courseIds: ['fire-safety'] });
    expect(counts.referenceReads).toBe(1);
  });

  test('R21: a user another writer registered just before our append is known to our next decision', async () => {
    const other = engineHarness({ store: second });
    let interpose = false;
    const { proxy } = watched(first, async () => {
      if (!interpose) return;
      interpose = false;
      // Stored after this engine's catch-up and before its own append: its position comes first.
      await other.ok('RegisterUser', {
        userId: 'bob',
        name: 'Bob',
        email: 'bob@acme.test',
        orgUnitId: 'sales',
        hireDate: '2024-01-08',
      });
    });
    const h = engineHarness({ store: proxy });
    await h.seedPortal();
    await h.ok('AssignCourse', { userIds: ['ada'], courseIds: ['fire-safety'] });
    interpose = true;
    await h.ok('StartCourse', { userId: 'ada', courseId: 'fire-safety' });
    expect(interpose).toBe(false);
    const reply = await h.send('AssignCourse', { userIds: ['bob'], courseIds: ['fire-safety'] });
    expect(reply).toMatchObject({ ok: true, events: [{ type: 'TrainingAssigned', stream: 'training-bob' }] });
  });
});
