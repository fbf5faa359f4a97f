import type { DemoScript } from './demoScript';
import { showDashboard, showExemptions, showMiSummary } from './demoViews';

/** Chapter 3 (seed: removing exempted learning path assignments): an exemption hides, its removal reinstates. */
export async function exemptionsChapter(script: DemoScript): Promise<void> {
  script.chapter('3. Exemptions and reinstatement (seed: removing exempted learning path assignments)');
  await script.step(
    'Code of Conduct becomes mandatory for everyone, present and future, with a 28-day window',
    'CreateAssignmentRule',
    {
      ruleId: 'r-conduct',
      name: 'Code of Conduct for everyone',
      courseId: 'code-of-conduct',
      target: { kind: 'allUsers' },
      mode: 'dynamic',
      due: { kind: 'relative', days: 28 },
    },
  );
  await script.step('Save exemptions for Sam: tick Code of Conduct (Sam is on a support plan)', 'SaveExemptions', {
    userId: 'sam',
    exemptions: [
      { courseId: 'code-of-conduct', exempted: true, reason: 'On a support plan until circumstances change' },
    ],
  });
  await showExemptions(script, 'sam');
  console.log("Sam's dashboard no longer shows it, and Sam stays in the audience:");
  await showDashboard(script, 'sam');
  console.log('Management Information counts 5 of the 6 users: the exempted assignment is left out:');
  await showMiSummary(script);
  script.clock.set('2026-11-23T10:00:00.000Z');
  await script.step(
    '23 November: circumstances changed; untick Code of Conduct and save exemptions',
    'SaveExemptions',
    {
      userId: 'sam',
      exemptions: [{ courseId: 'code-of-conduct', exempted: false }],
    },
  );
  console.log('The assignment is back on the dashboard with a new 28-day deadline from today:');
  await showDashboard(script, 'sam');
  console.log('...and back in Management Information reporting, which leaves exempted assignments out:');
  await showMiSummary(script);
}
