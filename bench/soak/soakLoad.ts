import { ulid } from 'ulid';
import type { CommandReply } from '../../handlers/ports/reply';
import type { createClient } from '../../infra/nats/client';
import type { seededRandom } from '../portalGenerator';

type Client = ReturnType<typeof createClient>;
type Random = ReturnType<typeof seededRandom>;
const actor = { userId: 'root' };

/** What the soak sent: every command id and the reply it got (or that it is still waiting for one). */
export interface SentCommand {
  commandId: string;
  type: string;
  data: Record<string, unknown>;
  durable: boolean;
  reply?: CommandReply;
}

export const COURSES = ['induction', 'fire', 'security', 'first-aid'];

/** The portal the load runs on: org units, users, courses (one with validity days and a recertification window), groups and dynamic rules. */
export async function setUpPortal(client: Client, users: number): Promise<string[]> {
  const c = client.commands;
  const must = async (reply: Promise<CommandReply>) => {
    const answer = await reply;
    if (!answer.ok) throw new Error(`set-up refused: ${answer.error.message}`);
  };
  await must(c.SetAssignmentPreferences({ actor, data: { reminderDays: [3, 1], escalateOverdueToManager: true } }));
  await must(c.DefineOrgUnit({ actor, data: { orgUnitId: 'acme', name: 'Acme' } }));
  for (const unit of ['sales', 'eng'])
    await must(c.DefineOrgUnit({ actor, data: { orgUnitId: unit, name: unit, parentId: 'acme' } }));
  for (const courseId of COURSES) {
    // first-aid lapses after 5 days, its retake assigned 2 days before (R5, R24).
    const validity = courseId === 'first-aid' ? { validityDays: 5, recertificationWindowDays: 2 } : {};
    await must(
      c.CreateCourse({
        actor,
        data: { courseId, title: courseId, kind: 'course', provider: 'Acme', trainingType: 'Compliance', ...validity },
      }),
    );
  }
  await must(
    c.CreateGroup({
      actor,
      data: {
        groupId: 'sales-team',
        name: 'Sales',
        kind: 'dynamic',
        criteria: { kind: 'attribute', attribute: 'department', in: ['Sales'] },
      },
    }),
  );
  await must(c.CreateGroup({ actor, data: { groupId: 'first-aiders', name: 'First aiders', kind: 'static' } }));
  const rules = [
    {
      ruleId: 'r-all',
      courseId: 'fire',
      target: { kind: 'allUsers' as const },
      due: { kind: 'relative' as const, days: 4 },
    },
    {
      ruleId: 'r-sales',
      courseId: 'security',
      target: { kind: 'group' as const, groupId: 'sales-team' },
      due: { kind: 'relative' as const, days: 2 },
    },
    {
      ruleId: 'r-aid',
      courseId: 'first-aid',
      target: { kind: 'group' as const, groupId: 'first-aiders' },
      due: { kind: 'relative' as const, days: 3 },
    },
    {
      ruleId: 'r-new',
      courseId: 'induction',
      target: { kind: 'newStarters' as const },
      due: { kind: 'relative' as const, days: 5 },
    },
  ];
  for (const rule of rules) await must(c.CreateAssignmentRule({ actor, data: { ...rule, mode: 'dynamic' } }));
  const userIds: string[] = [];
  for (let i = 0; i < users; i++) userIds.push(await registerUser(client, `u${String(i).padStart(4, '0')}`, i));
  return userIds;
}

async function registerUser(client: Client, userId: string, i: number): Promise<string> {
  const reply = await client.commands.RegisterUser({
    actor,
    data: {
      userId,
      name: `User ${userId}`,
      email: `${userId}@acme.test`,
      orgUnitId: i % 2 ? 'sales' : 'eng',
      department: i % 2 ? 'Sales' : 'Engineering',
      hireDate: '2026-01-01',
    },
  });
  if (!reply.ok) throw new Error(`set-up refused: ${reply.error.message}`);
  return userId;
}

/** One random command of the mix, by request-reply or durably; returns what was sent. */
export async function sendOne(
  client: Client,
  random: Random,
  userIds: string[],
  fresh: () => string,
): Promise<SentCommand> {
  const userId = userIds[Math.floor(random() * userIds.length)] as string;
  const courseId = COURSES[Math.floor(random() * COURSES.length)] as string;
  const pick = random();
  const [type, data] = ((): [string, Record<string, unknown>] => {
    if (pick < 0.1) {
      const newcomer = fresh();
      userIds.push(newcomer);
      return [
        'RegisterUser',
        { userId: newcomer, name: newcomer, email: `${newcomer}@acme.test`, orgUnitId: 'eng', hireDate: '2026-01-10' },
      ];
    }
    if (pick < 0.2) return ['UpdateUserProfile', { userId, department: random() < 0.5 ? 'Sales' : 'Engineering' }];
    if (pick < 0.3)
      return [random() < 0.5 ? 'AddGroupMember' : 'RemoveGroupMember', { groupId: 'first-aiders', userId }];
    if (pick < 0.45) return ['StartCourse', { userId, courseId }];
    if (pick < 0.6) return ['RecordProgress', { userId, courseId, progress: Math.floor(random() * 99) }];
    if (pick < 0.75) return ['CompleteCourse', { userId, courseId }];
    if (pick < 0.85) return ['AssignCourse', { userIds: [userId], courseIds: [courseId] }];
    if (pick < 0.92) return ['ExemptUser', { userId, courseId: 'fire', ruleId: 'r-all', reason: 'soak' }];
    return ['RemoveExemption', { userId, courseId: 'fire', ruleId: 'r-all' }];
  })();
  const commandId = ulid();
  const durable = random() < 0.3;
  const sender = (durable ? client.durable : client.commands) as unknown as Record<
    string,
    (input: { commandId: string; actor: { userId: string }; data: unknown }) => Promise<unknown>
  >;
  const send = sender[type];
  if (!send) throw new Error(`no sender for ${type}`);
  if (durable) {
    await send({ commandId, actor, data }).catch(() => undefined);
    return { commandId, type, data, durable };
  }
  return { commandId, type, data, durable, reply: (await send({ commandId, actor, data })) as CommandReply };
}
