import { assignmentRuleDecider } from '../domain/assignmentRule/assignmentRuleDecider';
import type { DomainEvent } from '../domain/events';
import { groupDecider } from '../domain/group/groupDecider';
import { ruleAudience } from '../domain/policies/ruleAudiencePolicy';
import { reactionsTo } from '../domain/reactions/reactionPolicy';
import type { RuleHolding } from '../domain/reactions/ruleHolders';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import { streams } from '../domain/streams';
import type { TrainingState } from '../domain/userTraining/trainingState';
import { isVisible } from '../domain/userTraining/trainingState';
import { decideTrainingWork } from '../domain/userTraining/trainingWork';
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
  await countMembership(events, context, { gaining, losing, upgraded });
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

/** The users a new rule will reach through the reactor (its audience, R10), and those its creator's scope leaves out. */
async function countNewRule(
  event: Extract<DomainEvent, { type: 'AssignmentRuleCreated' }>,
  context: PlanContext,
  gaining: Tally,
  outsideScope: Tally,
): Promise<void> {
  const created = assignmentRuleDecider.evolve({ exists: false }, event);
  if (!created.exists) return;
  const { exists: _exists, ...rule } = created;
  const { referenceData, aggregates } = context;
  const reached = ruleAudience(rule, referenceData);
  const within = new Set(reached);
  for (const userId of ruleAudience({ ...rule, audienceScope: null }, referenceData))
    if (!within.has(userId)) outsideScope.add(userId);
  // One batched read for the reached users' training (answered from the cache after), as the reactor will read it.
  await aggregates.prefetch(reached.map(streams.training), aggregateKinds.training);
  for (const userId of reached) {
    const { state } = await aggregates.load(streams.training(userId), aggregateKinds.training);
    if (!isVisible(state.assignments.get(rule.courseId))) gaining.add(userId);
  }
}

type MembershipEvent = Extract<DomainEvent, { type: 'GroupMemberAdded' | 'GroupMemberRemoved' }>;

/**
 * Membership changes: the reactions the reactor will derive (reactionsTo, R10, R11), on the group as it will be,
 * decided by the domain against each member's training now. The reference data is seen through an overlay (the
 * changed groups are copies, nothing shared is touched), and who holds a rule is read from those trainings.
 */
async function countMembership(
  events: readonly DomainEvent[],
  context: PlanContext,
  tallies: { gaining: Tally; losing: Tally; upgraded: Tally },
): Promise<void> {
  const changes = events.filter(
    (event): event is MembershipEvent => event.type === 'GroupMemberAdded' || event.type === 'GroupMemberRemoved',
  );
  if (changes.length === 0) return;
  const { referenceData, aggregates, meta, now } = context;
  const groups = new Map(referenceData.groups);
  for (const event of changes) {
    const current = groups.get(event.data.groupId);
    if (!current) continue;
    const next = groupDecider.evolve({ ...current, members: new Set(current.members) }, event);
    if (next.exists) groups.set(event.data.groupId, next);
  }
  const after: ReferenceData = Object.create(referenceData, { groups: { value: groups } });
  const userIds = [...new Set(changes.map((event) => event.data.userId))];
  await aggregates.prefetch(userIds.map(streams.training), aggregateKinds.training);
  const states = new Map<string, TrainingState>();
  for (const userId of userIds)
    states.set(userId, (await aggregates.load(streams.training(userId), aggregateKinds.training)).state);
  const holding: RuleHolding = {
    holds: (ruleId, userId) =>
      [...(states.get(userId)?.assignments.values() ?? [])].some(
        (assignment) => assignment.active && assignment.sources.some((source) => source.ruleId === ruleId),
      ),
    // Membership reactions ask about one member at a time, never for a rule's whole list of holders.
    of: () => [],
  };
  const trigger = {
    eventId: `preview:${meta.commandId}`,
    occurredAt: now,
    actorId: meta.actorId,
    correlationId: meta.correlationId,
  };
  const works = changes.flatMap((event) => reactionsTo(event, trigger, after, holding));
  const { results } = decideTrainingWork(works, states, after, { now, actorId: meta.actorId, atomic: false });
  for (const result of results)
    for (const event of result.decision?.events ?? []) countTraining(event, { ...tallies, exempted: new Tally() });
}
