import type { DomainEvent } from '../domain/events';
import { streams } from '../domain/streams';
import type { EventStore } from '../handlers/ports/eventStore';
import { PortalEventWriter } from './portalEventWriter';

/** A deterministic pseudo-random source (mulberry32): the same seed builds the same portal. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Finance',
  'Marketing',
  'Operations',
  'Support',
  'Legal',
  'HR',
  'Product',
  'Research',
];
export const LOCATIONS = ['London', 'Leeds', 'Manchester', 'Dublin', 'Berlin'];
export const TEAM_SIZE = 50;

export interface PortalShape {
  users: number;
  courses: number;
  /** Users with completions and progress recorded later by the workloads. */
  seed: number;
}

export interface GeneratedPortal {
  userIds: string[];
  /** Managers, each with TEAM_SIZE direct reports. */
  managerIds: string[];
  courseIds: string[];
  orgUnitIds: string[];
  events: number;
}

/** The generator's one pseudo-random sequence: every draw, in order, decides the portal (same seed, same portal). */
interface Draws {
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
}

/**
 * Builds a realistic portal's reference data straight into the event store, as valid domain events (each checked
 * against its schema): an org-unit tree (divisions and units), users with managers (teams of 50), departments,
 * locations, time zones, courses of every kind with some already upgraded, static groups and dynamic groups.
 * Rules, assignments, progress and completions then go through the engine, as in production.
 */
export async function generatePortal(
  store: EventStore,
  shape: PortalShape,
  onProgress?: (done: number, total: number) => void,
): Promise<GeneratedPortal> {
  const random = seededRandom(shape.seed);
  const draws: Draws = { random, pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T };
  const writer = new PortalEventWriter(store);
  await emitPreferences(writer);
  const orgUnitIds = await emitOrgUnits(writer, shape);
  const units = orgUnitIds.filter((id) => id.includes('-unit-'));
  const { userIds, managerIds } = await emitUsers(writer, shape, units, draws, onProgress);
  const courseIds = await emitCourses(writer, shape, draws);
  await emitGroups(writer, userIds, draws);
  await writer.flush();
  onProgress?.(shape.users, shape.users);
  return { userIds, managerIds, courseIds, orgUnitIds, events: writer.events };
}

async function emitPreferences(writer: PortalEventWriter): Promise<void> {
  await writer.emit(streams.portal(), [
    {
      type: 'AssignmentPreferencesSet',
      data: {
        dueDatePolicy: 'earliest',
        dynamicReassignment: true,
        upgradeToLatestVersion: true,
        notifyOnAssign: true,
        timeZone: 'Europe/London',
        reminderDays: [],
        escalateOverdueToManager: false,
        changed: ['timeZone', 'upgradeToLatestVersion'],
      },
    },
  ]);
}

/** The org-unit tree: the root, divisions (more for larger portals), ten units in each. Returns every id. */
async function emitOrgUnits(writer: PortalEventWriter, shape: PortalShape): Promise<string[]> {
  const orgUnitIds = ['root'];
  await writer.emit(streams.orgUnit('root'), [
    { type: 'OrgUnitDefined', data: { orgUnitId: 'root', name: 'Acme', parentId: null } },
  ]);
  const divisions = Math.max(2, Math.round(Math.sqrt(shape.users / 1000)));
  for (let d = 0; d < divisions; d++) {
    const division = `div-${d}`;
    orgUnitIds.push(division);
    await writer.emit(streams.orgUnit(division), [
      { type: 'OrgUnitDefined', data: { orgUnitId: division, name: `Division ${d}`, parentId: 'root' } },
    ]);
    for (let u = 0; u < 10; u++) {
      const unit = `${division}-unit-${u}`;
      orgUnitIds.push(unit);
      await writer.emit(streams.orgUnit(unit), [
        { type: 'OrgUnitDefined', data: { orgUnitId: unit, name: `Unit ${d}.${u}`, parentId: division } },
      ]);
    }
  }
  return orgUnitIds;
}

/** Managers first (each leads a team of TEAM_SIZE in one unit), then their reports. */
async function emitUsers(
  writer: PortalEventWriter,
  shape: PortalShape,
  units: string[],
  { random, pick }: Draws,
  onProgress?: (done: number, total: number) => void,
): Promise<{ userIds: string[]; managerIds: string[] }> {
  const userIds: string[] = [];
  const managerIds: string[] = [];
  const teams = Math.max(1, Math.floor(shape.users / (TEAM_SIZE + 1)));
  for (let t = 0; t < shape.users; t++) {
    const team = t % teams;
    const isManager = t < teams;
    const userId = `u${String(t).padStart(7, '0')}`;
    const unit = units[team % units.length] as string;
    if (isManager) managerIds.push(userId);
    userIds.push(userId);
    await writer.emit(streams.user(userId), [
      {
        type: 'UserRegistered',
        data: {
          userId,
          name: `User ${t}`,
          email: `${userId}@acme.example`,
          orgUnitId: unit,
          department: DEPARTMENTS[team % DEPARTMENTS.length] as string,
          role: isManager ? 'Manager' : pick(['Engineer', 'Analyst', 'Associate', 'Specialist']),
          location: pick(LOCATIONS),
          managerId: isManager ? null : (managerIds[team] ?? null),
          hireDate: `20${String(10 + Math.floor(random() * 15)).padStart(2, '0')}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
          timeZone: random() < 0.1 ? 'America/New_York' : null,
        },
      },
    ]);
    if (t % 10_000 === 0) onProgress?.(t, shape.users);
  }
  return { userIds, managerIds };
}

/** Courses of every kind and versioning, some already upgraded once or twice. */
async function emitCourses(writer: PortalEventWriter, shape: PortalShape, { pick }: Draws): Promise<string[]> {
  const courseIds: string[] = [];
  for (let c = 0; c < shape.courses; c++) {
    const courseId = `c${String(c).padStart(3, '0')}`;
    courseIds.push(courseId);
    const upgrades = c % 7 === 0 ? 2 : c % 3 === 0 ? 1 : 0;
    await writer.emit(streams.course(courseId), [
      {
        type: 'CourseCreated',
        data: {
          courseId,
          title: `Course ${c}`,
          kind: c % 10 === 0 ? 'learningPath' : c % 17 === 0 ? 'curriculum' : 'course',
          provider: pick(['Acme Learning', 'SecureCo', 'Course Publisher', 'SkillHub']),
          trainingType: pick(['Compliance', 'Safety', 'Skills', 'Leadership']),
          versioning: c % 5 === 0 ? 'coursePublisher' : 'standard',
          validityDays: c % 4 === 0 ? 365 : null,
          visibility: { kind: 'everyone' },
          location: null,
          version: 1,
          publishedAt: '2026-01-05T09:00:00.000Z',
        },
      },
      ...Array.from(
        { length: upgrades },
        (_, i): DomainEvent => ({
          type: 'CourseVersionUpgraded',
          data: {
            courseId,
            version: i + 2,
            previousVersion: i + 1,
            publishedAt: '2026-01-05T09:00:00.000Z',
            notes: null,
          },
        }),
      ),
    ]);
  }
  return courseIds;
}

/** Dynamic groups by department and by location; static groups of a few hundred members. */
async function emitGroups(writer: PortalEventWriter, userIds: string[], { random }: Draws): Promise<void> {
  for (const department of DEPARTMENTS) {
    const groupId = `dept-${department.toLowerCase()}`;
    await writer.emit(streams.group(groupId), [
      {
        type: 'GroupCreated',
        data: {
          groupId,
          name: department,
          kind: 'dynamic',
          criteria: { kind: 'attribute', attribute: 'department', in: [department] },
        },
      },
    ]);
  }
  await writer.emit(streams.group('everyone'), [
    {
      type: 'GroupCreated',
      data: {
        groupId: 'everyone',
        name: 'Everyone',
        kind: 'dynamic',
        criteria: { kind: 'orgUnit', orgUnitId: 'root', includeDescendants: true },
      },
    },
  ]);
  for (let g = 0; g < 5; g++) {
    const groupId = `project-${g}`;
    const members = userIds.filter(() => random() < Math.min(1, 300 / userIds.length));
    await writer.emit(streams.group(groupId), [
      { type: 'GroupCreated', data: { groupId, name: `Project ${g}`, kind: 'static', criteria: null } },
      ...members.map((userId): DomainEvent => ({ type: 'GroupMemberAdded', data: { groupId, userId } })),
    ]);
  }
}
