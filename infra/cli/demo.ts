import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newCommandId } from '../commandIds';
import { ManualClock } from '../../handlers/ports/clock';
import type { CommandReply } from '../../handlers/ports/reply';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import type { Engine } from '../engine/engine';
import { buildEngine } from '../engine/buildEngine';
import { printExplanationTables } from './auditOutput';
import { statusText } from './labels';
import { renderTable } from './table';

const ADMIN = 'admin';

/**
 * Plays the three seeds' stories end to end on a fresh data folder, printing what an admin sees at each step:
 * dynamic reassignment with version upgrades (2016–2017), individual and group assignment, exemption and
 * reinstatement, and a permission refusal.
 */
export async function runDemo(options: { dataDir?: string | undefined }): Promise<number> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lms-demo-'));
  if (fs.existsSync(path.join(dataDir, 'events.db'))) {
    console.error(`lms demo: ${dataDir} already holds an event store; the demo needs an empty data folder`);
    return 2;
  }
  const config = loadConfig({}, { LMS_DATA: dataDir, LMS_BOOTSTRAP_ADMIN: ADMIN });
  const clock = new ManualClock('2016-01-11T09:00:00.000Z');
  const engine = buildEngine({ config, logger: createLogger('warn'), clock });
  const demo = new DemoScript(engine, clock);
  try {
    console.log(`Training-assignment engine demo. Data folder: ${dataDir} (SQLite event store, replayable)\n`);
    await demo.play();
    console.log(`\nDone: ${await engine.store.headPosition()} events stored in ${path.join(dataDir, 'events.db')}.`);
    console.log(`Try: node dist/infra/cli/main.js --data ${dataDir} explain pat compliance --actor ${ADMIN}`);
    return demo.unexpected === 0 ? 0 : 1;
  } finally {
    await engine.close();
  }
}

class DemoScript {
  unexpected = 0;

  constructor(
    private readonly engine: Engine,
    private readonly clock: ManualClock,
  ) {}

  async play(): Promise<void> {
    await this.dynamicReassignment();
    await this.individualAndGroupAssignment();
    await this.exemptions();
    await this.permissions();
    await this.audit();
  }

  // --- the seeds' stories ------------------------------------------------------------------------

  private async dynamicReassignment(): Promise<void> {
    this.chapter('1. Dynamic reassignment and versions (seed: dynamic reassignment), January 2016');
    await this.quietly('SetAssignmentPreferences', {
      timeZone: 'Europe/London',
      dynamicReassignment: true,
      upgradeToLatestVersion: true,
    });
    for (const [orgUnitId, name, parentId] of [
      ['acme', 'Acme', null],
      ['finance', 'Finance', 'acme'],
      ['marketing', 'Marketing', 'acme'],
      ['engineering', 'Engineering', 'acme'],
      ['sales', 'Sales', 'acme'],
    ] as const) {
      await this.quietly('DefineOrgUnit', { orgUnitId, name, parentId });
    }
    await this.quietly(
      'RegisterUser',
      person('grace', 'Grace Hopper', 'engineering', 'Engineering', 'Engineering Manager', null, '2012-04-02'),
    );
    await this.quietly(
      'RegisterUser',
      person('ada', 'Ada Lovelace', 'engineering', 'Engineering', 'Engineer', 'grace', '2015-09-01'),
    );
    await this.quietly(
      'RegisterUser',
      person('pat', 'Pat Jones', 'finance', 'Finance', 'Accountant', null, '2014-03-03'),
    );
    await this.quietly(
      'RegisterUser',
      person('quinn', 'Quinn Lee', 'finance', 'Finance', 'Analyst', null, '2015-01-05'),
    );
    await this.quietly(
      'RegisterUser',
      person('sam', 'Sam Patel', 'sales', 'Sales', 'Account Manager', null, '2013-06-10'),
    );
    await this.quietly('RegisterUser', person('lee', 'Lee Chen', 'sales', 'Sales', 'Sales Admin', null, '2011-02-14'));
    await this.quietly('CreateCourse', {
      courseId: 'compliance',
      title: 'Compliance Training',
      kind: 'course',
      provider: 'Acme Learning',
      trainingType: 'Compliance',
    });
    await this.quietly('CreateCourse', {
      courseId: 'manual-handling',
      title: 'Manual Handling',
      kind: 'course',
      provider: 'Course Publisher',
      trainingType: 'Safety',
      versioning: 'coursePublisher',
    });
    await this.quietly('CreateGroup', {
      groupId: 'finance-team',
      name: 'Finance',
      kind: 'dynamic',
      criteria: { kind: 'attribute', attribute: 'department', in: ['Finance'] },
    });
    console.log(
      'Portal: Europe/London; dynamic reassignment and upgrade-to-latest enabled. Dynamic group "Finance" = department is Finance.',
    );
    await this.step(
      'A dynamic rule assigns Compliance Training (v1) to the Finance group, due in 30 days',
      'CreateAssignmentRule',
      {
        ruleId: 'r-compliance',
        name: 'Compliance Training for Finance',
        courseId: 'compliance',
        target: { kind: 'group', groupId: 'finance-team' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 30 },
      },
    );
    await this.step(
      'A dynamic rule assigns Manual Handling (Course Publisher, v1) to the Finance group',
      'CreateAssignmentRule',
      {
        ruleId: 'r-manual',
        name: 'Manual Handling for Finance',
        courseId: 'manual-handling',
        target: { kind: 'group', groupId: 'finance-team' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 60 },
      },
    );
    await this.step(
      'Quinn registers for Manual Handling (post-registered); Pat does not (pre-registered)',
      'StartCourse',
      { userId: 'quinn', courseId: 'manual-handling' },
      'quinn',
    );
    await this.showAssignments('pat');
    await this.showAssignments('quinn');

    this.clock.set('2016-03-14T09:00:00.000Z');
    await this.step('March 2016: Pat moves to Marketing, so stops matching the Finance group', 'UpdateUserProfile', {
      userId: 'pat',
      department: 'Marketing',
      orgUnitId: 'marketing',
    });
    await this.step('Quinn moves to Marketing too', 'UpdateUserProfile', {
      userId: 'quinn',
      department: 'Marketing',
      orgUnitId: 'marketing',
    });
    await this.showAssignments('pat');
    this.clock.set('2016-06-01T09:00:00.000Z');
    await this.step('June 2016: Compliance Training v2 is published', 'UpgradeVersion', {
      courseId: 'compliance',
      notes: 'new anti-bribery module',
    });
    await this.step('Manual Handling v2 is published through the Course Publisher', 'UpgradeVersion', {
      courseId: 'manual-handling',
    });
    this.clock.set('2016-10-03T09:00:00.000Z');
    await this.step('October 2016: Compliance Training v3 is published', 'UpgradeVersion', {
      courseId: 'compliance',
      notes: 'GDPR update',
    });

    this.clock.set('2017-01-16T09:00:00.000Z');
    await this.step('January 2017: Pat moves back to Finance and is reassigned dynamically', 'UpdateUserProfile', {
      userId: 'pat',
      department: 'Finance',
      orgUnitId: 'finance',
    });
    await this.step('Quinn moves back to Finance too', 'UpdateUserProfile', {
      userId: 'quinn',
      department: 'Finance',
      orgUnitId: 'finance',
    });
    console.log(
      'Pat now has Compliance Training v3 (upgrade to latest on reassignment, R14); Manual Handling stays v1 until Pat registers (pre-registered, Course Publisher).',
    );
    await this.showAssignments('pat');
    console.log(
      'Quinn was In Progress when removed: Manual Handling comes back In Progress and is not upgraded (post-registered, R14).',
    );
    await this.showAssignments('quinn');
    await this.step(
      'Pat registers for Manual Handling and moves to v2 on registration (R13, R14)',
      'StartCourse',
      { userId: 'pat', courseId: 'manual-handling' },
      'pat',
    );
    await this.showAssignments('pat');
  }

  private async individualAndGroupAssignment(): Promise<void> {
    this.clock.set('2026-11-02T09:00:00.000Z');
    this.chapter('2. Individual and group assignment (seed: individual training assignment), November 2026');
    await this.quietly('CreateCourse', {
      courseId: 'security',
      title: 'Security Awareness',
      kind: 'course',
      provider: 'SecureCo',
      trainingType: 'Compliance',
      validityDays: 365,
    });
    await this.quietly('CreateCourse', {
      courseId: 'fire-safety',
      title: 'Fire Safety',
      kind: 'course',
      provider: 'Acme Learning',
      trainingType: 'Safety',
    });
    await this.quietly('CreateCourse', {
      courseId: 'code-of-conduct',
      title: 'Code of Conduct',
      kind: 'learningPath',
      provider: 'Acme Learning',
      trainingType: 'Compliance',
    });
    await this.quietly('CreateGroup', { groupId: 'engineering-team', name: 'Engineering', kind: 'static' });
    await this.quietly('AddGroupMember', { groupId: 'engineering-team', userIds: ['ada', 'grace'] });
    await this.step(
      'Assign Security Awareness to Ada individually, due 30 November',
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'], dueDate: '2026-11-30' },
      ADMIN,
      'new role: handles customer data',
    );
    await this.showAssignments('ada');
    await this.step(
      'Group assignment: Fire Safety for Group: Engineering (Ada, Grace), 28-day window',
      'CreateAssignmentRule',
      {
        ruleId: 'r-fire',
        name: 'Fire Safety for Engineering',
        courseId: 'fire-safety',
        target: { kind: 'group', groupId: 'engineering-team' },
        mode: 'dynamic',
        due: { kind: 'relative', days: 28 },
      },
    );
    await this.step(
      'Assign Fire Safety to Ada individually as well: one assignment, a second source (R1)',
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['fire-safety'], dueDate: '2026-11-20' },
    );
    await this.showAssignments('ada');
    await this.step('Try to remove Fire Safety from Grace: it comes from the group (R4)', 'UnassignCourse', {
      userId: 'grace',
      courseId: 'fire-safety',
    });
    await this.step(
      "Remove Ada's individual Fire Safety: the group source keeps it, due date back to the group's (R3, R4)",
      'UnassignCourse',
      { userId: 'ada', courseId: 'fire-safety' },
    );
    await this.showAssignments('ada');
    await this.showTeam('grace');
  }

  private async exemptions(): Promise<void> {
    this.chapter('3. Exemptions and reinstatement (seed: removing exempted learning path assignments)');
    await this.step('Code of Conduct becomes mandatory for everyone, 28-day window (R19)', 'CreateAssignmentRule', {
      ruleId: 'r-conduct',
      name: 'Code of Conduct for everyone',
      courseId: 'code-of-conduct',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    });
    await this.step('Save exemptions for Sam: tick Code of Conduct (Sam is on a support plan)', 'SaveExemptions', {
      userId: 'sam',
      exemptions: [
        { courseId: 'code-of-conduct', exempted: true, reason: 'On a support plan until circumstances change' },
      ],
    });
    await this.showExemptions('sam');
    console.log("Sam's dashboard no longer shows it (R6); Sam stays in the audience:");
    await this.showDashboard('sam');
    console.log('Management Information counts 5 of the 6 users: the exempted assignment is left out (R6):');
    await this.showMiSummary();
    this.clock.set('2026-11-23T10:00:00.000Z');
    await this.step(
      '23 November: circumstances changed; untick Code of Conduct and save exemptions',
      'SaveExemptions',
      {
        userId: 'sam',
        exemptions: [{ courseId: 'code-of-conduct', exempted: false }],
      },
    );
    console.log('The assignment is back on the dashboard with a new 28-day deadline from today (R9):');
    await this.showDashboard('sam');
    console.log('...and back in Management Information reporting (exempted assignments are left out, R6):');
    await this.showMiSummary();
  }

  private async permissions(): Promise<void> {
    this.chapter('4. Permissions (R17)');
    await this.step('Lee is granted Assignment Tool - Standard, constrained to the Sales org unit', 'GrantPermission', {
      userId: 'lee',
      permission: 'assignment.standard',
      constraints: { orgUnitIds: ['sales'] },
    });
    await this.step(
      'Lee assigns Security Awareness to Sam (Sales)',
      'AssignCourse',
      { userIds: ['sam'], courseIds: ['security'] },
      'lee',
    );
    await this.step(
      'Lee tries to assign Security Awareness to Ada (Engineering)',
      'AssignCourse',
      { userIds: ['ada'], courseIds: ['security'] },
      'lee',
    );
  }

  private async audit(): Promise<void> {
    this.chapter('5. Audit: why does Pat have Compliance Training v3, and since when?');
    const reply = await this.engine.query({
      type: 'AssignmentHistory',
      actor: { userId: ADMIN },
      params: { userId: 'pat' },
    });
    if (!reply.ok) return this.fail(reply.error.message);
    const result = reply.result as { events: { at: string; actorId: string; summary: string }[] };
    console.log(
      renderTable(
        ['when', 'who', 'what'],
        result.events.map((event) => [event.at.slice(0, 10), event.actorId, event.summary]),
      ),
    );
    const explained = await this.engine.query({
      type: 'ExplainAssignment',
      actor: { userId: ADMIN },
      params: { userId: 'pat', courseId: 'compliance' },
    });
    if (!explained.ok) return this.fail(explained.error.message);
    console.log('');
    printExplanationTables(explained.result as Parameters<typeof printExplanationTables>[0]);
    const before = await this.engine.query({
      type: 'AssignmentHistory',
      actor: { userId: ADMIN },
      params: { userId: 'pat', asOf: '2016-06-30T00:00:00Z' },
    });
    if (!before.ok) return this.fail(before.error.message);
    const asOf = before.result as { assignments: { title: string; active: boolean; version: number }[] };
    console.log(`
As of 30 June 2016 Pat had to do: ${
      asOf.assignments
        .filter((row) => row.active)
        .map((row) => `${row.title} v${row.version}`)
        .join(', ') || 'nothing (removed from Finance in March)'
    }.`);
  }

  // --- printing ------------------------------------------------------------------------------------

  private chapter(title: string): void {
    console.log(`\n${'═'.repeat(title.length)}\n${title}\n${'═'.repeat(title.length)}`);
  }

  private async send(type: string, data: unknown, actor: string, reason?: string): Promise<CommandReply> {
    return this.engine.send({
      commandId: newCommandId(),
      type,
      actor: { userId: actor },
      data,
      ...(reason ? { reason } : {}),
    });
  }

  private async quietly(type: string, data: unknown): Promise<void> {
    const reply = await this.send(type, data, ADMIN);
    if (!reply.ok) this.fail(`${type}: ${reply.error.message}`);
  }

  private async step(title: string, type: string, data: unknown, actor = ADMIN, reason?: string): Promise<void> {
    console.log(`\n▶ ${title}  [${this.clock.now().slice(0, 10)}, ${type} by ${actor}]`);
    const reply = await this.send(type, data, actor, reason);
    if (reply.ok) {
      console.log(`  ✓ ${reply.message}`);
      for (const warning of reply.warnings) console.log(`  ! ${warning}`);
    } else {
      console.log(`  ✗ ${reply.error.code}: ${reply.error.message}`);
    }
  }

  private fail(message: string): void {
    this.unexpected++;
    console.log(`  !! unexpected: ${message}`);
  }

  private async view<T>(type: string, userId: string): Promise<T[] | undefined> {
    const reply = await this.engine.query({ type, actor: { userId: ADMIN }, params: { userId } });
    if (!reply.ok) {
      this.fail(reply.error.message);
      return undefined;
    }
    return reply.result as T[];
  }

  private async showAssignments(userId: string): Promise<void> {
    type Row = {
      title: string;
      sources: { label: string }[];
      status: string;
      dueDate: string | null;
      overdue: boolean;
      version: number;
      progress: number;
    };
    const rows = await this.view<Row>('UserAssignments', userId);
    if (!rows) return;
    console.log(`  ${userId}'s assignments (admin view):`);
    console.log(
      indent(
        rows.length === 0
          ? '(none)'
          : renderTable(
              ['course', 'source', 'status', 'due', 'version', 'progress'],
              rows.map((row) => [
                row.title,
                row.sources.map((source) => source.label).join(', '),
                statusText(row.status),
                `${row.dueDate ?? '—'}${row.overdue ? ' (overdue)' : ''}`,
                `v${row.version}`,
                `${row.progress}%`,
              ]),
            ),
      ),
    );
  }

  private async showDashboard(userId: string): Promise<void> {
    type Row = { title: string; required: boolean; status: string; dueDate: string | null; overdue: boolean };
    const rows = await this.view<Row>('UserDashboard', userId);
    if (!rows) return;
    console.log(
      indent(
        rows.length === 0
          ? `(nothing on ${userId}'s dashboard)`
          : renderTable(
              ['assigned training', 'required', 'status', 'due'],
              rows.map((row) => [
                row.title,
                row.required ? 'required' : '',
                statusText(row.status),
                row.dueDate ?? '—',
              ]),
            ),
      ),
    );
  }

  private async showTeam(managerId: string): Promise<void> {
    const reply = await this.engine.query({
      type: 'MyTeam',
      actor: { userId: managerId },
      params: { scope: 'all' },
    });
    if (!reply.ok) return this.fail(reply.error.message);
    const team = reply.result as {
      members: { name: string; assignments: { title: string; status: string; dueDate: string | null }[] }[];
    };
    console.log(`  My Team, as ${managerId} sees it:`);
    console.log(
      indent(
        renderTable(
          ['member', 'training', 'status', 'due'],
          team.members.flatMap((member) =>
            member.assignments.map((row, i) => [
              i === 0 ? member.name : '',
              row.title,
              statusText(row.status),
              row.dueDate ?? '—',
            ]),
          ),
        ),
      ),
    );
  }

  private async showMiSummary(): Promise<void> {
    const reply = await this.engine.query({
      type: 'MiSummary',
      actor: { userId: ADMIN },
      params: { groupBy: 'course', courseId: 'code-of-conduct' },
    });
    if (!reply.ok) return this.fail(reply.error.message);
    const rows = reply.result as {
      key: string;
      assigned: number;
      notStarted: number;
      completed: number;
      overdue: number;
    }[];
    console.log(
      indent(
        renderTable(
          ['course', 'assigned', 'not started', 'completed', 'overdue'],
          rows.map((row) => [row.key, row.assigned, row.notStarted, row.completed, row.overdue]),
        ),
      ),
    );
  }

  private async showExemptions(userId: string): Promise<void> {
    type Row = {
      title: string;
      source: string;
      exempted: boolean;
      reason: string | null;
      appliedBy: string | null;
      appliedAt: string | null;
    };
    const rows = await this.view<Row>('UserExemptions', userId);
    if (!rows) return;
    console.log(`  Exemptions of ${userId}:`);
    console.log(
      indent(
        renderTable(
          ['', 'assignment', 'source', 'reason', 'applied by', 'applied at'],
          rows.map((row) => [
            row.exempted ? '[x]' : '[ ]',
            row.title,
            row.source,
            row.reason ?? '',
            row.appliedBy ?? '',
            row.appliedAt?.slice(0, 16) ?? '',
          ]),
        ),
      ),
    );
  }
}

function person(
  userId: string,
  name: string,
  orgUnitId: string,
  department: string,
  role: string,
  managerId: string | null,
  hireDate: string,
) {
  return {
    userId,
    name,
    email: `${userId}@acme.example`,
    orgUnitId,
    department,
    role,
    location: 'London',
    managerId,
    hireDate,
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
