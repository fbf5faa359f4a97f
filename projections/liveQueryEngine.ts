import type { Permission } from '../domain/access/accessEvents';
import type { Directory } from '../domain/directory/directory';
import { asDomainEvent } from '../domain/events';
import type { Query, QueryOf } from '../domain/queries';
import { parseQuery } from '../domain/queries';
import type { Actor } from '../domain/policies/permissionPolicy';
import { authorize, grantsFor } from '../domain/policies/permissionPolicy';
import { DomainError, forbidden, notFound } from '../domain/shared/domainError';
import { streams } from '../domain/streams';
import type { TrainingEvent, TrainingState } from '../domain/userTraining/trainingState';
import { evolveTraining, initialTrainingState, isVisible } from '../domain/userTraining/trainingState';
import { trainingEventSchemas } from '../domain/userTraining/trainingEvents';
import { aggregateKinds } from '../handlers/aggregateKinds';
import type { Clock } from '../handlers/clock';
import type { CommandEngine } from '../handlers/commandEngine';
import { failure } from '../handlers/commandEngine';
import { describeTrainingEvent } from './historyText';
import { dashboardRows, exemptionRows, explainAssignment, isOverdue, userAssignmentRows } from './userViews';

export type QueryReply = { ok: true; position: number; result: unknown } | { ok: false; error: { code: string; message: string; details: Record<string, unknown> } };

/** Permissions that let an admin see a user's assignments (R17: each within its user-side constraints). */
const VIEWING: Permission[] = ['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'];
const MIN_POSITION_WAIT_MS = 5000;

/**
 * Answers queries from the event store directly: per-user views fold the user's training stream (cached by
 * revision), cross-user views walk the directory. Every answer is filtered by the asking actor's grants.
 */
export class LiveQueryEngine {
  constructor(
    private readonly engine: CommandEngine,
    private readonly clock: Clock,
  ) {}

  async handle(input: unknown): Promise<QueryReply> {
    const parsed = parseQuery(input);
    if (!parsed.ok) return strip(failure(null, new DomainError('VALIDATION_FAILED', parsed.message, { issues: parsed.issues })));
    try {
      const position = await this.reach(parsed.query.minPosition);
      const result = await this.answer(parsed.query);
      return { ok: true, position, result };
    } catch (error) {
      if (error instanceof DomainError) return strip(failure(null, error));
      throw error;
    }
  }

  private async reach(minPosition: number | undefined): Promise<number> {
    const deadline = Date.now() + MIN_POSITION_WAIT_MS;
    for (;;) {
      await this.engine.feed.catchUp();
      if (minPosition === undefined || this.engine.feed.at >= minPosition) return this.engine.feed.at;
      if (Date.now() > deadline) throw new DomainError('UNAVAILABLE', `the read side has not reached position ${minPosition} yet (at ${this.engine.feed.at}); try again shortly`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private get directory(): Directory {
    return this.engine.directory;
  }

  private async answer(query: Query): Promise<unknown> {
    const now = this.clock.now();
    const actor = this.directory.actor(query.actor.userId);
    this.requireKnownActor(actor);
    if (query.type === 'MiReport' || query.type === 'MiSummary' || query.type === 'VersionStatus') {
      // Reporting across users needs reports.view; each row is still filtered by its user-side constraints.
      if (!actor.isBootstrapAdmin && grantsFor(actor, 'reports.view').length === 0) throw forbidden(`user ${actor.userId} lacks the permission reports.view`, { permission: 'reports.view' });
    }
    switch (query.type) {
      case 'UserDashboard':
        this.requireUserView(actor, query.params.userId, { self: true });
        return dashboardRows(await this.training(query.params.userId), this.directory, query.params.userId, now);
      case 'UserAssignments':
        this.requireUserView(actor, query.params.userId, { self: true });
        return userAssignmentRows(await this.training(query.params.userId), this.directory, query.params.userId, now);
      case 'UserExemptions':
        this.requireUserView(actor, query.params.userId, { self: false, permissions: ['exemptions.manage', 'reports.view'] });
        return exemptionRows(await this.training(query.params.userId), this.directory);
      case 'AssignmentHistory':
        return this.history(actor, query);
      case 'ExplainAssignment':
        return this.explain(actor, query);
      case 'SearchUsers':
        return this.searchUsers(actor, query);
      case 'MyTeam':
        return this.myTeam(actor, query, now);
      case 'MiReport':
        return (await this.miRows(actor, query.params, now)).slice(query.params.offset, query.params.offset + query.params.limit);
      case 'MiSummary':
        return this.miSummary(actor, query, now);
      case 'VersionStatus':
        return this.versionStatus(actor, query);
    }
  }

  private requireUserView(actor: Actor, userId: string, options: { self: boolean; permissions?: Permission[] }): void {
    if (!this.directory.users.has(userId)) throw notFound(`user ${userId} is not registered: check the id`, { userId });
    if (options.self && actor.userId === userId) return;
    const permissions = options.permissions ?? VIEWING;
    if (permissions.some((permission) => authorize(actor, { permission, userId }, this.directory.scope).allowed)) return;
    throw forbidden(`user ${actor.userId} may not view the assignments of ${userId}: it needs one of ${permissions.join(', ')} with ${userId} in scope`, { userId });
  }

  private canView(actor: Actor, userId: string, permissions: Permission[] = VIEWING, allowSelf = true): boolean {
    return (allowSelf && actor.userId === userId) || permissions.some((permission) => authorize(actor, { permission, userId }, this.directory.scope).allowed);
  }

  /** Only the bootstrap administrator and registered, active users may ask (R17), as for commands. */
  private requireKnownActor(actor: Actor): void {
    if (actor.isBootstrapAdmin) return;
    const user = this.directory.users.get(actor.userId);
    if (!user) throw forbidden(`actor ${actor.userId} is not a registered user and holds no permissions`, { actorId: actor.userId });
    if (!user.active) throw forbidden(`actor ${actor.userId} is deactivated`, { actorId: actor.userId });
  }

  private async training(userId: string): Promise<TrainingState> {
    return (await this.engine.aggregates.load(streams.training(userId), aggregateKinds.training)).state;
  }

  /** The user's training events up to an instant (all of them without one). */
  private async trainingEvents(userId: string, asOf: string | undefined) {
    const stored = await this.engine.store.readStream(streams.training(userId));
    const cutoff = asOf === undefined ? Number.POSITIVE_INFINITY : Date.parse(asOf);
    return stored.filter((event) => Date.parse(event.metadata.occurredAt) <= cutoff && Object.prototype.hasOwnProperty.call(trainingEventSchemas, event.type));
  }

  private async history(actor: Actor, query: QueryOf<'AssignmentHistory'>) {
    const { userId, asOf } = query.params;
    this.requireUserView(actor, userId, { self: true });
    const events = await this.trainingEvents(userId, asOf);
    const state = events.reduce((folded, stored) => evolveTraining(folded, asDomainEvent(stored) as TrainingEvent), initialTrainingState());
    const at = asOf ?? this.clock.now();
    return {
      userId,
      asOf: asOf ?? null,
      assignments: Object.values(state.assignments).map((assignment) => ({
        courseId: assignment.courseId,
        title: this.directory.courses.get(assignment.courseId)?.title ?? assignment.courseId,
        active: assignment.active,
        visible: isVisible(assignment),
        status: assignment.status,
        dueDate: assignment.dueDate,
        overdue: isVisible(assignment) && isOverdue(assignment, at, this.directory.timeZoneOf(userId)),
        version: assignment.version,
      })),
      events: events.map((stored) => ({
        position: stored.position,
        at: stored.metadata.occurredAt,
        actorId: stored.metadata.actorId,
        commandId: stored.metadata.commandId,
        type: stored.type,
        reason: stored.metadata.reason ?? null,
        summary: describeTrainingEvent(asDomainEvent(stored) as TrainingEvent, this.directory),
      })),
    };
  }

  private async explain(actor: Actor, query: QueryOf<'ExplainAssignment'>) {
    const { userId, courseId, asOf } = query.params;
    this.requireUserView(actor, userId, { self: true });
    const events = await this.trainingEvents(userId, asOf);
    const state = events.reduce((folded, stored) => evolveTraining(folded, asDomainEvent(stored) as TrainingEvent), initialTrainingState());
    const explanation = explainAssignment(state, this.directory, userId, courseId);
    if (!explanation) throw notFound(`${userId} had no assignment of ${courseId}${asOf ? ` as of ${asOf}` : ''}`, { userId, courseId });
    const versions = events
      .map((stored) => asDomainEvent(stored) as TrainingEvent)
      .filter((event) => event.data.courseId === courseId)
      .flatMap((event) => {
        if (event.type === 'TrainingAssigned') return [`v${event.data.version}: new assignment gets the latest version (R13)`];
        if (event.type === 'TrainingReassigned') return [`v${event.data.version}: ${event.data.versionReason}`];
        if (event.type === 'AssignmentVersionChanged') return [`v${event.data.version}: ${event.data.reason}`];
        return [];
      });
    return { ...explanation, asOf: asOf ?? null, versionDecisions: versions };
  }

  private searchUsers(actor: Actor, query: QueryOf<'SearchUsers'>) {
    const { text, department, role, status, limit } = query.params;
    const needle = text?.toLowerCase();
    const rows = [];
    for (const user of this.directory.users.values()) {
      if (needle && !user.name.toLowerCase().includes(needle) && !user.email.toLowerCase().includes(needle)) continue;
      if (department && user.department !== department) continue;
      if (role && user.role !== role) continue;
      if (status && (status === 'active') !== user.active) continue;
      if (!this.canView(actor, user.userId, [...VIEWING])) continue;
      rows.push({ userId: user.userId, name: user.name, email: user.email, department: user.department, role: user.role, orgUnitId: user.orgUnitId, active: user.active });
      if (rows.length >= limit) break;
    }
    return rows.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async myTeam(actor: Actor, query: QueryOf<'MyTeam'>, now: string) {
    const managerId = query.params.managerId ?? actor.userId;
    if (!this.directory.users.has(managerId)) throw notFound(`user ${managerId} is not registered: check the id`, { userId: managerId });
    // A manager sees their own reporting line; anyone else needs a viewing permission over each member.
    const members = query.params.scope === 'all' ? this.directory.reportingLine(managerId) : this.directory.directReports(managerId);
    const visible = managerId === actor.userId ? members : members.filter((userId) => this.canView(actor, userId));
    const rows = [];
    for (const userId of visible.sort()) {
      const user = this.directory.users.get(userId);
      if (!user?.active) continue;
      rows.push({ userId, name: user.name, managerId: user.managerId, assignments: dashboardRows(await this.training(userId), this.directory, userId, now) });
    }
    return { managerId, scope: query.params.scope, members: rows };
  }

  private async miRows(actor: Actor, filter: { courseId?: string | undefined; orgUnitId?: string | undefined; department?: string | undefined; status?: string | undefined; overdue?: boolean | undefined }, now: string) {
    const rows = [];
    for (const user of this.directory.users.values()) {
      if (!user.active) continue;
      if (filter.orgUnitId && !this.directory.orgUnitPath(user.orgUnitId).includes(filter.orgUnitId)) continue;
      if (filter.department && user.department !== filter.department) continue;
      if (!this.canView(actor, user.userId, ['reports.view'], false)) continue;
      for (const row of dashboardRows(await this.training(user.userId), this.directory, user.userId, now)) {
        if (filter.courseId && row.courseId !== filter.courseId) continue;
        if (filter.status && row.status !== filter.status) continue;
        if (filter.overdue !== undefined && row.overdue !== filter.overdue) continue;
        rows.push({ userId: user.userId, name: user.name, department: user.department, orgUnitId: user.orgUnitId, ...row });
      }
    }
    return rows;
  }

  private async miSummary(actor: Actor, query: QueryOf<'MiSummary'>, now: string) {
    const rows = await this.miRows(actor, query.params, now);
    const groups = new Map<string, { key: string; assigned: number; notStarted: number; inProgress: number; completed: number; expired: number; overdue: number }>();
    for (const row of rows) {
      const key = query.params.groupBy === 'course' ? row.courseId : query.params.groupBy === 'department' ? (row.department ?? '(none)') : row.orgUnitId;
      const group = groups.get(key) ?? { key, assigned: 0, notStarted: 0, inProgress: 0, completed: 0, expired: 0, overdue: 0 };
      group.assigned++;
      group[row.status]++;
      if (row.overdue) group.overdue++;
      groups.set(key, group);
    }
    return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)).map((group) => ({ ...group, completionRate: group.assigned === 0 ? 0 : group.completed / group.assigned }));
  }

  private async versionStatus(actor: Actor, query: QueryOf<'VersionStatus'>) {
    const course = this.directory.courses.get(query.params.courseId);
    if (!course) throw notFound(`course ${query.params.courseId} does not exist: check the id`, { courseId: query.params.courseId });
    const perVersion = new Map<number, { version: number; users: number; notStarted: number; willUpgradeOnRegistration: number }>();
    for (const user of this.directory.users.values()) {
      if (!user.active || !this.canView(actor, user.userId, ['reports.view'], false)) continue;
      const assignment = (await this.training(user.userId)).assignments[course.courseId];
      if (!assignment || !isVisible(assignment)) continue;
      const entry = perVersion.get(assignment.version) ?? { version: assignment.version, users: 0, notStarted: 0, willUpgradeOnRegistration: 0 };
      entry.users++;
      if (assignment.status === 'notStarted') {
        entry.notStarted++;
        if (assignment.version < course.version) entry.willUpgradeOnRegistration++;
      }
      perVersion.set(assignment.version, entry);
    }
    return {
      courseId: course.courseId,
      latestVersion: course.version,
      versioning: course.versioning,
      versions: [...perVersion.values()].sort((a, b) => a.version - b.version),
      rules: 'Not Started users move to the latest version when they register (R13); In Progress and Completed users keep theirs; reassignment through a dynamic rule with upgrade-to-latest gives the latest version (R14).',
    };
  }
}

function strip(reply: ReturnType<typeof failure>): QueryReply {
  return { ok: false, error: reply.error };
}
