import { assignmentRuleDecider } from '../domain/assignmentRule/assignmentRuleDecider';
import type { DomainEvent } from '../domain/events';
import { ruleMatches } from '../domain/policies/ruleAudiencePolicy';
import { streams } from '../domain/streams';
import { isVisible } from '../domain/userTraining/trainingState';
import { aggregateKinds } from './aggregateKinds';
import type { Plan, PlanContext } from './plan';
import type { CommandEffects, UsersAffected } from './ports/reply';

/** How many ids each list of a preview names (the counts are whole). */
const FIRST_IDS = 10;

class Tally {
  private readonly ids = new Set<string>();
  add(userId: string): void {
    this.ids.add(userId);
  }
  get summary(): UsersAffected {
    return { count: this.ids.size, first: [...this.ids].sort().slice(0, FIRST_IDS) };
  }
}

/**
 * R25: what a planned command does to whose training: its events by type, and the users gaining, losing, upgraded
 * and exempted, counted from the training events it decides, plus, for a new rule, what the background reactions
 * will do: the users its target takes in who do not hold the course yet (gaining), and those the target takes in but
 * the creator's scope leaves out (outsideScope, R17). A preview replies with it and stores nothing; the real reply of
 * the same command carries the same counts.
 */
export async function effectsOf(plan: Plan, context: PlanContext): Promise<CommandEffects> {
  const eventCounts: Record<string, number> = {};
  const gaining = new Tally();
  const losing = new Tally();
  const upgraded = new Tally();
  const exempted = new Tally();
  const outsideScope = new Tally();
  const events = plan.writes.flatMap((write) => write.events);
  for (const event of events) {
    eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;
    countTraining(event, { gaining, losing, upgraded, exempted });
  }
  for (const event of events) {
    if (event.type === 'AssignmentRuleCreated') await countNewRule(event, context, gaining, outsideScope);
  }
  return {
    eventCounts,
    gaining: gaining.summary,
    losing: losing.summary,
    upgraded: upgraded.summary,
    exempted: exempted.summary,
    outsideScope: outsideScope.summary,
  };
}

function countTraining(
  event: DomainEvent,
  tallies: { gaining: Tally; losing: Tally; upgraded: Tally; exempted: Tally },
): void {
  switch (event.type) {
    case 'TrainingAssigned':
    case 'TrainingReassigned':
      tallies.gaining.add(event.data.userId);
      return;
    case 'TrainingUnassigned':
      tallies.losing.add(event.data.userId);
      return;
    case 'AssignmentVersionChanged':
      tallies.upgraded.add(event.data.userId);
      return;
    case 'ExemptionApplied':
      tallies.exempted.add(event.data.userId);
      return;
    default:
      return;
  }
}

/** The users a new rule will reach through the reactor, judged now as the reactor will judge them. */
async function countNewRule(
  event: Extract<DomainEvent, { type: 'AssignmentRuleCreated' }>,
  context: PlanContext,
  gaining: Tally,
  outsideScope: Tally,
): Promise<void> {
  const created = assignmentRuleDecider.evolve({ exists: false }, event);
  if (!created.exists) return;
  const { exists: _exists, ...rule } = created;
  const unscoped = { ...rule, audienceScope: null };
  const { referenceData, aggregates } = context;
  const reached: string[] = [];
  for (const userId of referenceData.users.keys()) {
    if (!ruleMatches(unscoped, userId, referenceData)) continue;
    if (ruleMatches(rule, userId, referenceData)) reached.push(userId);
    else outsideScope.add(userId);
  }
  // One batched read for the reached users' training (answered from the cache after), as the reactor will read it.
  await aggregates.prefetch(reached.map(streams.training), aggregateKinds.training);
  for (const userId of reached) {
    const { state } = await aggregates.load(streams.training(userId), aggregateKinds.training);
    if (!isVisible(state.assignments.get(rule.courseId))) gaining.add(userId);
  }
}
