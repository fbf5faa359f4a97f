import { printExplanationTables } from '../auditOutput';
import { renderTable } from '../table';
import type { DemoScript } from './demoScript';
import { ADMIN } from './demoScript';

/** Chapter 5: the audit trail behind Pat's Compliance Training, its explanation, and what Pat had to do back then. */
export async function auditChapter(script: DemoScript): Promise<void> {
  script.chapter('5. Audit: why does Pat have Compliance Training v3, and since when?');
  const reply = await script.engine.query({
    type: 'AssignmentHistory',
    actor: { userId: ADMIN },
    params: { userId: 'pat' },
  });
  if (!reply.ok) return script.fail(reply.error.message);
  const result = reply.result as { events: { at: string; actorId: string; summary: string }[] };
  console.log(
    renderTable(
      ['when', 'who', 'what'],
      result.events.map((event) => [event.at.slice(0, 10), event.actorId, event.summary]),
    ),
  );
  const explained = await script.engine.query({
    type: 'ExplainAssignment',
    actor: { userId: ADMIN },
    params: { userId: 'pat', courseId: 'compliance' },
  });
  if (!explained.ok) return script.fail(explained.error.message);
  console.log('');
  printExplanationTables(explained.result as Parameters<typeof printExplanationTables>[0]);
  const before = await script.engine.query({
    type: 'AssignmentHistory',
    actor: { userId: ADMIN },
    params: { userId: 'pat', asOf: '2016-06-30T00:00:00Z' },
  });
  if (!before.ok) return script.fail(before.error.message);
  const asOf = before.result as { assignments: { title: string; active: boolean; version: number }[] };
  console.log(`
As of 30 June 2016 Pat had to do: ${
    asOf.assignments
      .filter((row) => row.active)
      .map((row) => `${row.title} v${row.version}`)
      .join(', ') || 'nothing (removed from Finance in March)'
  }.`);
}
