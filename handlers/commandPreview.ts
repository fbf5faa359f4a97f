import type { DomainEvent } from '../domain/events';
import { ruleAudience } from '../domain/policies/ruleAudiencePolicy';
import { reactionsTo } from '../domain/reactions/reactionPolicy';
import type { RuleHolding } from '../domain/reactions/ruleHolders';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import { streams } from '../domain/streams';
import { isTrainingEvent } from '../domain/userTraining/trainingEvents';
import type { TrainingState } from '../domain/userTraining/trainingState';
import { decideTrainingWork, type TrainingWork } from '../domain/userTraining/trainingWork';
import { aggregateKinds } from './aggregateKinds';
import type { Plan, PlanContext } from './plan';
import type { CommandEffects, UsersAffected } from './ports/reply';

/** How many ids each list of a preview names (the counts are whole). */
const FIRST_IDS = 10;

/**
 * The events whose background reactions a real reply counts (R25: rule, profile and membership commands; a version
 * changes nobody's training when it is published, R13). A preview counts the reactions of every event.
 */
const COUNTED_IN_REAL_REPLIES: ReadonlySet<string> = new Set([
  'AssignmentRuleCreated',
  'AssignmentRuleUpdated',
  'AssignmentRuleRetired',
  'GroupMemberAdded',
  'GroupMemberRemoved',
  'UserProfileUpdated',
  'UserDeactivated',
  'CourseActivated',
]);

/** Whether a real reply carries effects: the plan decides events whose reactions change whose training. */
export function countsEffects(plan: Plan): boolean {
  return plan.writes.some((write) => write.events.some((event) => COUNTED_IN_REAL_REPLIES.has(event.type)));
}

class Tally {
  private readonly ids = new Set<string>();
  add(userId: string): void {
    this.ids.add(userId);
  }
  get summary(): UsersAffected {
    return { count: this.ids.size, first: [...this.ids].sort().slice(0, FIRST_IDS) };
  }
}

interface Tallies {
  gaining: Tally;
  losing: Tally;
  upgraded: Tally;
  exempted: Tally;
}

/**
 * R25: what a planned command does to whose training: its events by type, and the users gaining, losing, upgraded
 * and exempted, counted from the training events it decides and from those its background reactions will decide
 * (R10, R11, R14, R18, R19), plus, for a new or changed rule, the users its target takes in but the creator's scope
 * leaves out (outsideScope, R17). A preview replies with it and stores nothing; the real reply of the same command
 * carries the same counts.
 *
 * The reactions are found as the reactor finds them (reactionsTo), on a fork of the reference data with the plan's
 * events folded in one by one, and decided by the domain against each user's training now. Who holds which rule is
 * read from the trainings the plan names and otherwise from the reactor's own record (`holders`), as of its position.
 */
export async function effectsOf(plan: Plan, context: PlanContext, holders?: RuleHolding): Promise<CommandEffects> {
  const eventCounts: Record<string, number> = {};
  const tallies: Tallies = { gaining: new Tally(), losing: new Tally(), upgraded: new Tally(), exempted: new Tally() };
  const outsideScope = new Tally();
  const events = plan.writes.flatMap((write) => write.events);
  for (const event of events) {
    eventCounts[event.type] = (eventCounts[event.type] ?? 0) + 1;
    countTraining(event, tallies);
  }
  await countReactions(plan, context, holders, tallies, outsideScope);
  return {
    eventCounts,
    gaining: tallies.gaining.summary,
    losing: tallies.losing.summary,
    upgraded: tallies.upgraded.summary,
    exempted: tallies.exempted.summary,
    outsideScope: outsideScope.summary,
  };
}

function countTraining(event: DomainEvent, tallies: Tallies): void {
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

async function countReactions(
  plan: Plan,
  context: PlanContext,
  holders: RuleHolding | undefined,
  tallies: Tallies,
  outsideScope: Tally,
): Promise<void> {
  const { referenceData, aggregates, meta, now } = context;
  const events = plan.writes.flatMap((write) => write.events);
  // The plan's own training events are counted already; their reactions only check that a rule's source landed.
  if (events.every(isTrainingEvent)) return;
  const states = await plannedStates(plan, context);
  const holding: RuleHolding = {
    holds: (ruleId, userId) => {
      const state = states.get(userId);
      return state ? holdsRule(state, ruleId) : (holders?.holds(ruleId, userId) ?? false);
    },
    of: (ruleId) =>
      holders
        ? holders.of(ruleId)
        : [...states].filter(([, state]) => holdsRule(state, ruleId)).map(([userId]) => userId),
  };
  const trigger = {
    eventId: `preview:${meta.commandId}`,
    occurredAt: now,
    actorId: meta.actorId,
    correlationId: meta.correlationId,
  };
  const after = referenceData.fork();
  const works: TrainingWork[] = [];
  for (const event of events) {
    after.apply(event);
    countOutsideScope(event, after, outsideScope);
    // One by one: a rule over a whole portal reaches more users than a call's arguments may hold.
    if (!isTrainingEvent(event)) for (const work of reactionsTo(event, trigger, after, holding)) works.push(work);
  }
  // A chunk of users at a time, as the reactor will: a rule over a whole portal never holds every user's training
  // in memory at once (issue #19). Each user's works stay together and in order.
  const byUser = new Map<string, TrainingWork[]>();
  for (const work of works) {
    const list = byUser.get(work.userId);
    if (list) list.push(work);
    else byUser.set(work.userId, [work]);
  }
  const userIds = [...byUser.keys()];
  for (let from = 0; from < userIds.length; from += COUNTING_CHUNK) {
    const chunk = userIds.slice(from, from + COUNTING_CHUNK);
    const unread = chunk.filter((userId) => !states.has(userId));
    const loaded = await aggregates.loadMany(unread.map(streams.training), aggregateKinds.training);
    const chunkStates = new Map<string, TrainingState>();
    for (const userId of chunk) {
      const state = states.get(userId) ?? loaded.get(streams.training(userId))?.state;
      if (state) chunkStates.set(userId, state);
    }
    const chunkWorks = chunk.flatMap((userId) => byUser.get(userId) ?? []);
    const options = { now, actorId: meta.actorId, atomic: false };
    const { results } = decideTrainingWork(chunkWorks, chunkStates, after, options);
    for (const result of results) for (const event of result.decision?.events ?? []) countTraining(event, tallies);
  }
}

/** Users whose reactions are decided together when counting (the reactor's own chunk size). */
const COUNTING_CHUNK = 1_000;

/**
 * The trainings the plan itself names, as they will be once it is stored (its own writes' states), or as they are:
 * the users whose membership or profile the plan changes, read in one batch.
 */
async function plannedStates(plan: Plan, context: PlanContext): Promise<Map<string, TrainingState>> {
  const states = new Map<string, TrainingState>();
  const named = new Set<string>();
  for (const write of plan.writes)
    for (const event of write.events) if ('userId' in event.data) named.add(event.data.userId);
  const userIds = [...named];
  const loaded = await context.aggregates.loadMany(userIds.map(streams.training), aggregateKinds.training);
  for (const userId of userIds) {
    const stream = streams.training(userId);
    const planned = plan.writes.find((write) => write.stream === stream && write.stateAfter !== undefined);
    const state = (planned?.stateAfter as TrainingState | undefined) ?? loaded.get(stream)?.state;
    if (state) states.set(userId, state);
  }
  return states;
}

function holdsRule(state: TrainingState, ruleId: string): boolean {
  for (const assignment of state.assignments.values())
    if (assignment.active && assignment.sources.some((source) => source.ruleId === ruleId)) return true;
  return false;
}

/** A new or changed rule: the users its target takes in whom the creator's scope leaves out (R17). */
function countOutsideScope(event: DomainEvent, after: ReferenceData, outsideScope: Tally): void {
  if (event.type !== 'AssignmentRuleCreated' && event.type !== 'AssignmentRuleUpdated') return;
  const rule = after.rules.get(event.data.ruleId);
  if (!rule?.audienceScope) return;
  const within = new Set(ruleAudience(rule, after));
  for (const userId of ruleAudience({ ...rule, audienceScope: null }, after))
    if (!within.has(userId)) outsideScope.add(userId);
}
