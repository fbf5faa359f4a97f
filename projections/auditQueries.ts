import { asDomainEvent } from '../domain/events';
import type { DueDateExplanation } from '../domain/policies/dueDatePolicy';
import { explainDueDate } from '../domain/policies/dueDatePolicy';
import { isOverdueAt } from '../domain/policies/overduePolicy';
import type { Actor } from '../domain/policies/permissionPolicy';
import { requireUserView, trainingViewOf } from '../domain/policies/queryPermissions';
import { statusWords } from '../domain/policies/versionPolicy';
import type { DueDatePolicy } from '../domain/portal/portalEvents';
import type { QueryOf } from '../domain/queries';
import type { AssignmentExplanation, RemovalExplanation } from '../domain/queryResults/auditResults';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import { forbidden, notFound } from '../domain/shared/domainError';
import { streams } from '../domain/streams';
import { sourceLabel } from '../domain/userTraining/assignmentSource';
import { RESET_WORDS } from '../domain/userTraining/dueDatesAndExemptions';
import { isTrainingEventType } from '../domain/userTraining/trainingEvents';
import type { TrainingEvent } from '../domain/userTraining/trainingState';
import { isVisible } from '../domain/userTraining/trainingState';
import type { EventStore, StoredEvent } from '../handlers/ports/eventStore';
import { auditAnswer, correctionsOf, historyRow, lastCompletion, viewFields } from './auditAnswers';
import { keptExemptionsOf } from './exemptionHistoryText';
import { withoutRuleIds } from './historyText';

/**
 * The auditor's questions, answered from the events themselves: what a user had to do at an instant, who decided
 * it, and why an assignment exists. `asOf` folds the user's training events recorded up to that instant.
 */

export class AuditQueries {
  constructor(
    private readonly store: EventStore,
    private readonly referenceData: ReferenceData,
  ) {}

  async history(actor: Actor, query: QueryOf<'AssignmentHistory'>, now: string) {
    const { userId } = query.params;
    requireUserView(actor, userId, this.referenceData, { self: true });
    // R26: asOf (true on that date, as known now) and knownAt (what the engine said then).
    const answer = auditAnswer(await this.trainingEvents(userId), query.params, this.referenceData, userId, now);
    const { state, at } = answer;
    const timeZone = this.referenceData.timeZoneOf(userId);
    const view = trainingViewOf(actor, userId, this.referenceData);
    const { courses, rules } = this.referenceData;
    return {
      userId,
      ...viewFields(answer),
      assignments: [...state.assignments.values()].map((assignment) => {
        const course = courses.get(assignment.courseId);
        const last = lastCompletion(assignment);
        return {
          courseId: assignment.courseId,
          title: this.titleOf(assignment.courseId),
          active: assignment.active,
          visible: isVisible(assignment),
          status: assignment.status,
          dueDate: assignment.dueDate,
          overdue: isVisible(assignment) && isOverdueAt(assignment, at, timeZone),
          version: assignment.version,
          // Where it comes from (R1), a rule outside the actor's scope unnamed (R17); the last completion's score.
          sources: assignment.sources.map((source) =>
            source.ruleId === null || view.rule(course, rules.get(source.ruleId)?.createdBy)
              ? sourceLabel(source)
              : 'a rule outside your scope',
          ),
          completedOn: last?.completedOn ?? null,
          score: last?.score ?? null,
        };
      }),
      events: answer.entries.map((entry) => historyRow(entry, this.referenceData)),
    };
  }

  async explain(actor: Actor, query: QueryOf<'ExplainAssignment'>, now: string): Promise<AssignmentExplanation> {
    const { userId, courseId } = query.params;
    requireUserView(actor, userId, this.referenceData, { self: true });
    const view = trainingViewOf(actor, userId, this.referenceData);
    const course = this.referenceData.courses.get(courseId);
    if (!view.course(course))
      throw forbidden(
        `user ${actor.userId} may not view ${courseId} for ${userId}: the course is outside the training side of their grants`,
        { userId, courseId },
      );
    const stored = await this.trainingEvents(userId);
    const answer = auditAnswer(stored, query.params, this.referenceData, userId, now);
    const assignment = answer.state.assignments.get(courseId);
    if (!assignment) {
      const when = answer.asOf || answer.knownAt ? `: ${answer.view}` : '';
      throw notFound(`${userId} had no assignment of ${courseId}${when}`, { userId, courseId });
    }
    const ofCourse = answer.entries
      .filter((entry) => entry.folded && entry.event.data.courseId === courseId)
      .map((entry) => entry.stored);
    // The auditor's view names the spec rule behind each version decision; the reasons themselves are plain words
    // (those recorded before carried the id in the text: it is taken out and put back once).
    const versionDecisions = ofCourse
      .map((stored) => asDomainEvent(stored) as TrainingEvent)
      .flatMap((event) => {
        if (event.type === 'TrainingAssigned')
          return [`v${event.data.version}: a new assignment gets the latest version (R13)`];
        if (event.type === 'TrainingReassigned') {
          const kept = event.data.status === 'completed' && event.data.version === event.data.previousVersion;
          return [`v${event.data.version}: ${withoutRuleIds(event.data.versionReason)} (${kept ? 'R13' : 'R14'})`];
        }
        if (event.type === 'AssignmentVersionChanged')
          return [`v${event.data.version}: ${withoutRuleIds(event.data.reason)} (R13)`];
        return [];
      });
    const ruleVisible = (ruleId: string) => view.rule(course, this.referenceData.rules.get(ruleId)?.createdBy);
    const dueDate = masked(
      explainDueDate(assignment.sources, assignment.dueOverride, assignment.dueDatePolicy),
      (ruleId) => !ruleVisible(ruleId),
    );
    const portalDueDatePolicy = this.referenceData.preferences.dueDatePolicy;
    return {
      userId,
      courseId,
      title: this.titleOf(courseId),
      active: assignment.active,
      visible: isVisible(assignment),
      status: assignment.status,
      version: assignment.version,
      ...viewFields(answer),
      sources: assignment.sources.map((source) => {
        const rule = source.ruleId === null ? undefined : this.referenceData.rules.get(source.ruleId);
        // R17: a rule created outside the actor's scope is shown as such, without its name, creator or exemption.
        if (source.ruleId !== null && !view.rule(course, rule?.createdBy))
          return {
            kind: source.kind,
            label: 'a rule outside your scope',
            ruleId: null,
            assignedOn: source.assignedOn,
            exempt: source.exempt,
            rule: null,
            exemption: null,
          };
        return {
          kind: source.kind,
          label: sourceLabel(source),
          ruleId: source.ruleId,
          assignedOn: source.assignedOn,
          exempt: source.exempt,
          rule: rule ? { name: rule.name, mode: rule.mode, createdBy: rule.createdBy } : null,
          exemption: source.exemption,
        };
      }),
      ...keptExemptionsOf(assignment, ruleVisible),
      // The policy that chose the stored due date, not today's portal setting (a change applies at the next reset).
      dueDate,
      portalDueDatePolicy,
      dueDateNotes: assignment.active ? dueDateNotes(dueDate, portalDueDatePolicy) : [],
      versionDecisions,
      corrections: correctionsOf(answer.entries, courseId, this.referenceData),
      lastRemoval: assignment.lastRemoval,
      removal: assignment.active ? null : this.removalOf(ofCourse, ruleVisible),
    };
  }

  /** R4, R10: the last removal of a course, from its events: when, by whom, and why, as an admin would say it. */
  private removalOf(
    events: readonly StoredEvent[],
    ruleVisible: (ruleId: string) => boolean,
  ): RemovalExplanation | null {
    let index = events.length - 1;
    while (index >= 0 && events[index]?.type !== 'TrainingUnassigned') index -= 1;
    const stored = index >= 0 ? events[index] : undefined;
    if (!stored) return null;
    const event = asDomainEvent(stored) as TrainingEvent;
    if (event.type !== 'TrainingUnassigned') return null;
    // The source that went last is recorded just before the removal of the assignment.
    const previous = index > 0 ? (asDomainEvent(events[index - 1] as StoredEvent) as TrainingEvent) : undefined;
    const ruleId =
      previous?.type === 'AssignmentSourceRemoved' && previous.data.sourceKey !== 'individual'
        ? previous.data.sourceKey
        : null;
    const rule = ruleId !== null && ruleVisible(ruleId) ? this.referenceData.rules.get(ruleId) : undefined;
    const ruleName = rule ? rule.name : null;
    const named = ruleName === null ? 'its rule' : `the rule "${ruleName}"`;
    const at = stored.metadata.occurredAt;
    const by = stored.metadata.actorId;
    const on = `on ${at.slice(0, 10)}`;
    const text = {
      admin: `removed ${on} by an admin (${by})`,
      dynamic: `taken away ${on} because the user no longer matched ${named} (dynamic removal)`,
      retired: `taken away ${on} because ${named} was retired`,
    }[event.data.cause];
    return { cause: event.data.cause, at, by, ruleName, text: `${text}; it was ${statusWords[event.data.status]}` };
  }

  private titleOf(courseId: string): string {
    return this.referenceData.courses.get(courseId)?.title ?? courseId;
  }

  /** The user's training events, in stream order (bitemporalTimeline keeps those recorded up to `knownAt`). */
  private async trainingEvents(userId: string): Promise<StoredEvent[]> {
    const stored = await this.store.readStream(streams.training(userId));
    return stored.filter((event) => isTrainingEventType(event.type));
  }
}

/** R3, R9: what an admin needs to know about how the due date stands, beyond the candidates. */
function dueDateNotes(due: DueDateExplanation, portalPolicy: DueDatePolicy): string[] {
  const notes: string[] = [];
  if (due.override !== null)
    notes.push(`an admin set the due date to ${due.override}; it holds until the next reset, ${RESET_WORDS}`);
  if (due.policy !== portalPolicy)
    notes.push(
      `the due date was computed under the "${due.policy}" policy; the portal has since changed to "${portalPolicy}": existing due dates were kept, and "${portalPolicy}" applies the next time this due date is worked out (a source added or removed, an exemption applied or removed) or at the next reset, ${RESET_WORDS}`,
    );
  return notes;
}

/** R17: due-date candidates of rules outside the actor's scope keep their dates but not their names or ids. */
function masked(explanation: DueDateExplanation, hidden: (ruleId: string) => boolean): DueDateExplanation {
  const keys = new Map<string, string>();
  const candidates = explanation.candidates.map((candidate) => {
    if (candidate.sourceKey === 'individual' || !hidden(candidate.sourceKey)) return candidate;
    const key = `outside-scope-${keys.size + 1}`;
    keys.set(candidate.sourceKey, key);
    return { ...candidate, sourceKey: key, label: 'a rule outside your scope' };
  });
  const winner = explanation.winner === null ? null : (keys.get(explanation.winner) ?? explanation.winner);
  return { ...explanation, candidates, winner };
}
