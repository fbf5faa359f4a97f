import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';

/** Poison as an older version or a foreign writer could have left it, appended straight to the log. */
export interface Poison {
  /** Users registered with a 9999-12-31 hire date: their new-starter reaction cannot be stored (parked). */
  users: string[];
  /** An event larger than NATS accepts: the relay cannot publish it (parked). */
  oversizedEventId: string;
}

export async function appendPoison(file: string): Promise<Poison> {
  const store = SqliteEventStore.open({ file });
  const metadata = () => {
    const commandId = ulid();
    return { actorId: 'legacy-import', commandId, correlationId: commandId, occurredAt: new Date().toISOString() };
  };
  const users = ['legacy-1', 'legacy-2', 'legacy-3'];
  try {
    for (const userId of users) {
      const data = {
        userId,
        name: userId,
        email: `${userId}@acme.test`,
        orgUnitId: 'eng',
        department: 'Engineering',
        role: null,
        location: null,
        managerId: null,
        hireDate: '9999-12-31',
        timeZone: null,
      };
      const event = { id: randomUUID(), type: 'UserRegistered', data, metadata: metadata() };
      await store.append([{ stream: `user-${userId}`, expectedRevision: 'no_stream', events: [event] }]);
    }
    const oversizedEventId = randomUUID();
    const huge = { courseId: 'fire', note: 'x'.repeat(2_000_000) };
    const event = { id: oversizedEventId, type: 'CourseActivated', data: huge, metadata: metadata() };
    await store.append([{ stream: 'course-fire', expectedRevision: 'any', events: [event] }]);
    return { users, oversizedEventId };
  } finally {
    await store.close();
  }
}
