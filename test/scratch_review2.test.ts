import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectionRuntime } from '../projections/projectionRuntime';
import { ReadModelDb } from '../projections/readModelDb';
import { compareReadModels } from '../projections/verifyReadModels';
import { engineHarness } from './support/engineHarness';

jest.setTimeout(300_000);

async function portal() {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('AddGroupMember', { groupId: 'engineering', userIds: ['ada', 'grace'] });
  await h.ok('CreateAssignmentRule', { ruleId: 'r-eng', courseId: 'fire-safety', target: { kind: 'group', groupId: 'engineering' }, mode: 'dynamic', due: { kind: 'relative', days: 28 } });
  await h.ok('CreateAssignmentRule', { ruleId: 'r-all', courseId: 'security', target: { kind: 'allUsers' }, mode: 'dynamic', due: { kind: 'relative', days: 14 } });
  await h.ok('RecordProgress', { userId: 'ada', courseId: 'fire-safety', progress: 40 });
  await h.ok('CompleteCourse', { userId: 'ada', courseId: 'security' });
  return h;
}

test('two runtimes (two processes) on one read-model file apply the same page twice', async () => {
  const h = await portal();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv2-'));
  const file = path.join(dir, 'readmodels.db');
  const a = ReadModelDb.open({ file });
  const b = ReadModelDb.open({ file });
  const log: string[] = [];
  const ra = new ProjectionRuntime(h.store, a, { beforeEvent: (e) => log.push(`A${e.position}`) });
  const rb = new ProjectionRuntime(h.store, b, { beforeEvent: (e) => log.push(`B${e.position}`) });
  const results = await Promise.allSettled([ra.catchUp({ onProgress: (p) => log.push(`pA${p.position}/${p.events}`) }), rb.catchUp({ onProgress: (p) => log.push(`pB${p.position}/${p.events}`) })]);
  console.log(log.join(' '), await h.store.headPosition());
  const pb = (rb as any).projector;
  const page = await h.store.readAll(0, 5);
  console.log('page len', page.length, String(pb.apply), String(pb.applyInTransaction).slice(0,200), b.db.inTransaction);
  try { pb.apply(page); } catch (e) { console.log('threw', e); }
  console.log('after manual', log.slice(-6).join(' '), b.position());
  console.log('B hook', typeof pb.beforeEvent, pb.readModels === b, pb.readModels.db === b.db, a.db === b.db);
  console.log('race results', results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))));
  const rebuilt = ReadModelDb.open({ file: ':memory:' });
  await new ProjectionRuntime(h.store, rebuilt).catchUp();
  const diff = compareReadModels(a, rebuilt).difference;
  console.log('difference', JSON.stringify(diff));
  console.log('completions', a.db.prepare("SELECT completions FROM assignments WHERE user_id='ada' AND course_id='security'").get());
});

test('MyTeam: a manager asking for a subordinate manager\'s team sees nobody although they are in the manager\'s reporting line', async () => {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  await h.ok('RegisterUser', { userId: 'lin', name: 'Lin', email: 'lin@acme.test', orgUnitId: 'platform', managerId: 'ada', hireDate: '2025-05-05' });
  type Team = { members: { userId: string }[] };
  console.log('grace all', (await h.query<Team>('MyTeam', { scope: 'all' }, 'grace')).members.map((m) => m.userId));
  console.log('grace asks ada team', (await h.query<Team>('MyTeam', { managerId: 'ada' }, 'grace')).members.map((m) => m.userId));
  console.log('sam asks grace team', JSON.stringify(await h.embedded.query({ type: 'MyTeam', actor: { userId: 'sam' }, params: { managerId: 'grace' } })));
});

test('MiSummary over 1,000,000 assignment rows', async () => {
  const h = engineHarness({ now: '2026-11-02T09:00:00.000Z' });
  await h.seedPortal();
  const db = h.readModels.db;
  const users = 100_000;
  const courses = 10;
  const insertUser = db.prepare("INSERT INTO users VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, '2020-01-01', ?, 1)");
  const insertA = db.prepare("INSERT INTO assignments VALUES (?, ?, 1, 1, ?, 0, 1, ?, '2026-01-01', NULL, NULL, NULL, '[]', '[]')");
  const statuses = ['notStarted', 'inProgress', 'completed', 'expired'];
  db.transaction(() => {
    for (let u = 0; u < users; u++) {
      const id = `u${String(u).padStart(6, '0')}`;
      insertUser.run(id, `User ${u}`, `${id}@x.test`, ['eng', 'platform', 'sales', 'root'][u % 4], `Dept${u % 20}`, u % 3 === 0 ? 'Europe/London' : u % 3 === 1 ? 'America/New_York' : null);
      for (let c = 0; c < courses; c++) insertA.run(id, `course${c}`, statuses[(u + c) % 4], `2026-${String((c % 12) + 1).padStart(2, '0')}-15`);
    }
  })();
  db.exec('ANALYZE');
  for (const groupBy of ['course', 'department', 'orgUnit']) {
    await h.query('MiSummary', { groupBy });
    const t0 = process.hrtime.bigint();
    const r = await h.query<unknown[]>('MiSummary', { groupBy });
    console.log(`MiSummary ${groupBy}: ${Number(process.hrtime.bigint() - t0) / 1e6} ms, ${r.length} groups`);
  }
  const t1 = process.hrtime.bigint();
  await h.query('MiSummary', { groupBy: 'course', orgUnitId: 'eng' });
  console.log(`MiSummary orgUnit filter: ${Number(process.hrtime.bigint() - t1) / 1e6} ms`);
  const t2 = process.hrtime.bigint();
  await h.query('MiReport', { overdue: true, limit: 100, offset: 500_000 });
  console.log(`MiReport offset 500k overdue: ${Number(process.hrtime.bigint() - t2) / 1e6} ms`);
  const time = (label: string, sql: string) => { db.prepare(sql).all(); const t = process.hrtime.bigint(); db.prepare(sql).all(); console.log(label, Number(process.hrtime.bigint() - t) / 1e6, 'ms'); };
  time('count only, no joins', "SELECT course_id, COUNT(*), SUM(status='completed') FROM assignments WHERE visible=1 GROUP BY course_id");
  time('join users only', "SELECT a.course_id, COUNT(*), SUM(a.status='completed') FROM assignments a JOIN users u ON u.user_id=a.user_id WHERE a.visible=1 AND u.active=1 GROUP BY a.course_id");
  time('join users + overdue w/o zones', "SELECT a.course_id, COUNT(*), SUM(a.status='completed'), SUM(a.status<>'completed' AND a.due_date < '2026-06-01') FROM assignments a JOIN users u ON u.user_id=a.user_id WHERE a.visible=1 AND u.active=1 GROUP BY a.course_id");
  console.log(db.prepare("EXPLAIN QUERY PLAN SELECT a.course_id AS key, COUNT(*) FROM assignments a JOIN users u ON u.user_id = a.user_id LEFT JOIN courses c ON c.course_id = a.course_id WHERE a.visible = 1 AND u.active = 1 GROUP BY key").all());
});
