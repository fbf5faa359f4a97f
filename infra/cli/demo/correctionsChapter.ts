import { statusText } from '../labels';
import { renderTable } from '../table';
import type { DemoScript } from './demoScript';
import { ADMIN } from './demoScript';

interface HistoryAnswer {
  view: string;
  assignments: { courseId: string; status: string; completedOn: string | null; score: number | null }[];
  events: { at: string; actorId: string; type: string; summary: string }[];
}

/**
 * Chapter 6: a completion recorded wrong and corrected with a reason; history is not rewritten, and the auditor asks
 * both questions: what was true on a date as known now (the correction applied), and what the engine said before it.
 */
export async function correctionsChapter(script: DemoScript): Promise<void> {
  script.chapter("6. Corrections: Sam's First Aid recorded on the wrong day, corrected, and both audit questions");
  await script.quietly('CreateCourse', {
    courseId: 'first-aid',
    title: 'First Aid',
    kind: 'course',
    provider: 'Acme Learning',
    trainingType: 'Safety',
    validityDays: 365,
  });
  await script.quietly('AssignCourse', { userIds: ['sam'], courseIds: ['first-aid'], dueDate: '2026-12-31' });
  script.clock.set('2026-11-30T16:00:00.000Z');
  await script.step("Sam's First Aid is recorded from the trainer's sheet", 'CompleteCourse', {
    userId: 'sam',
    courseId: 'first-aid',
    completedOn: '2026-11-30',
    score: 80,
  });
  script.clock.set('2026-12-03T10:00:00.000Z');
  await script.step(
    'The paper register says the course ran on 26 November, marked 85: the admin corrects it',
    'CorrectCompletion',
    {
      userId: 'sam',
      courseId: 'first-aid',
      completedOn: '2026-11-26',
      score: 85,
      reason: 'the paper register says 26 November, score 85',
    },
  );
  const asked = [
    ['As of 27 November, as known now', { asOf: '2026-11-27' }],
    ['What the engine said on 2 December, before the correction', { knownAt: '2026-12-02T23:59:59Z' }],
    ['As of 27 November, as the engine knew it on 2 December', { asOf: '2026-11-27', knownAt: '2026-12-02T23:59:59Z' }],
  ] as const;
  for (const [question, params] of asked) {
    const reply = await script.engine.query({
      type: 'AssignmentHistory',
      actor: { userId: ADMIN },
      params: { userId: 'sam', ...params },
    });
    if (!reply.ok) return script.fail(reply.error.message);
    const answer = reply.result as HistoryAnswer;
    const row = answer.assignments.find((assignment) => assignment.courseId === 'first-aid');
    const state = row?.completedOn
      ? `completed on ${row.completedOn}, score ${row.score ?? 'none'}`
      : statusText(row?.status ?? 'notStarted');
    console.log(`\n${question}: First Aid ${state}.  (${answer.view})`);
  }
  const now = await script.engine.query({
    type: 'AssignmentHistory',
    actor: { userId: ADMIN },
    params: { userId: 'sam' },
  });
  if (!now.ok) return script.fail(now.error.message);
  const events = (now.result as HistoryAnswer).events.filter((event) => /First Aid/.test(event.summary));
  console.log('\nThe history keeps both: the completion as recorded, and the correction with its reason.');
  console.log(
    renderTable(
      ['when', 'who', 'what'],
      events.map((event) => [event.at.slice(0, 10), event.actorId, event.summary]),
    ),
  );
}
