import type { Permission } from '../domain/access/accessEvents';
import { requireKnownActor, requirePermissionAtAll } from '../domain/policies/actorPolicy';
import { requireUserView, trainingViewOf } from '../domain/policies/queryPermissions';
import type { Query } from '../domain/queries';
import { parseQuery } from '../domain/queries';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import { DomainError } from '../domain/shared/domainError';
import type { Clock } from '../handlers/ports/clock';
import type { EventStore } from '../handlers/ports/eventStore';
import { EventStoreUnavailableError } from '../handlers/ports/eventStore';
import type { ReferenceDataSource } from '../handlers/ports/referenceDataSource';
import type { QueryReply } from '../handlers/ports/reply';
import { AuditQueries } from './auditQueries';
import { commandOutcome } from './commandOutcomes';
import { CourseQueries } from './courseQueries';
import { GroupQueries } from './groupQueries';
import { MiQueries } from './miQueries';
import { PeopleQueries } from './peopleQueries';
import type { Projections } from './projectionRuntime';
import type { QuerySources } from './readModelQueries';
import { RuleQueries } from './ruleQueries';
import { UserProfileQuery } from './userProfileQuery';
import { UserViews } from './userViews';
export interface QueryHandlerOptions {
  store: EventStore;
  projections: Projections;
  /** Reference data for authorization (grants, org tree, reporting lines), kept current from the store. */
  feed: ReferenceDataSource;
  clock: Clock;
  /** Embedded use: bring the read models up to the store before answering. A server's runtime runs on its own. */
  catchUpBeforeQuery?: boolean;
  /** How long a query waits for `minPosition` before answering UNAVAILABLE. */
  minPositionWaitMs?: number;
}

/**
 * Answers the queries of DESIGN.md section 4 from the read models (SQLite), each filtered by the asking actor's
 * grants (R17). Assignment history and explanations are answered from the events (auditQueries).
 */
export class QueryHandler {
  private readonly audit: AuditQueries;
  private readonly users: UserViews;
  private readonly mi: MiQueries;
  private readonly people: PeopleQueries;
  private readonly rules: RuleQueries;
  private readonly groups: GroupQueries;
  private readonly courses: CourseQueries;
  private readonly profiles: UserProfileQuery;

  constructor(private readonly options: QueryHandlerOptions) {
    this.audit = new AuditQueries(options.store, options.feed.referenceData);
    const sources: QuerySources = {
      get db() {
        return options.projections.readModels.db;
      },
      get referenceData() {
        return options.feed.referenceData;
      },
    };
    this.users = new UserViews(sources);
    this.mi = new MiQueries(sources);
    this.people = new PeopleQueries(sources, this.users);
    this.rules = new RuleQueries(sources);
    this.groups = new GroupQueries(sources);
    this.courses = new CourseQueries(sources);
    this.profiles = new UserProfileQuery(sources, this.users);
  }

  private get referenceData(): ReferenceData {
    return this.options.feed.referenceData;
  }

  async handle(input: unknown): Promise<QueryReply> {
    const parsed = parseQuery(input);
    if (!parsed.ok)
      return {
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: parsed.message, details: { issues: parsed.issues } },
      };
    try {
      const position = await this.reach(parsed.query.minPosition);
      return { ok: true, position, result: await this.answer(parsed.query) };
    } catch (error) {
      if (error instanceof DomainError)
        return {
          ok: false,
          error: {
            code: error.code,
            message: error.message,
            details: error.details,
            ...(error.rule ? { rule: error.rule } : {}),
          },
        };
      if (isStoreUnavailable(error))
        return {
          ok: false,
          error: {
            code: 'UNAVAILABLE',
            message: `the read models are unavailable: ${(error as Error).message}; try again shortly`,
            details: {},
          },
        };
      throw error;
    }
  }

  /** minPosition: read-your-writes after a command reply; waits (bounded) for the read models to get there. */
  private async reach(minPosition: number | undefined): Promise<number> {
    const { projections: runtime, feed } = this.options;
    const deadline = Date.now() + (this.options.minPositionWaitMs ?? 5000);
    for (;;) {
      await feed.catchUp();
      if (this.options.catchUpBeforeQuery) await runtime.catchUp();
      const position = runtime.position;
      // Permissions are judged on the reference data: it must have reached the position too (a grant just made counts).
      if (minPosition === undefined || (position >= minPosition && feed.at >= minPosition)) return position;
      if (Date.now() > deadline)
        throw new DomainError(
          'UNAVAILABLE',
          `the read models have not reached position ${minPosition} yet (at ${position}); try again shortly`,
          { position },
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async answer(query: Query): Promise<unknown> {
    const now = this.options.clock.now();
    const actor = this.referenceData.actor(query.actor.userId);
    requireKnownActor(actor, this.referenceData);
    switch (query.type) {
      case 'UserDashboard':
        requireUserView(actor, query.params.userId, this.referenceData, { self: true });
        return this.users.dashboardsOf([query.params.userId], now).get(query.params.userId) ?? [];
      case 'UserAssignments':
        requireUserView(actor, query.params.userId, this.referenceData, { self: true });
        return this.users.userRows(query.params.userId, now);
      case 'UserExemptions': {
        const permissions: Permission[] = ['exemptions.manage', 'reports.view'];
        requireUserView(actor, query.params.userId, this.referenceData, { self: false, permissions });
        // R17: only rows of courses and rules within the actor's scope.
        const view = trainingViewOf(actor, query.params.userId, this.referenceData, permissions);
        const { courses, rules } = this.referenceData;
        return this.users
          .exemptions(query.params.userId)
          .filter((row) => view.rule(courses.get(row.courseId), rules.get(row.ruleId)?.createdBy));
      }
      case 'MiReport':
        requirePermissionAtAll(actor, 'reports.view');
        return this.mi.miReport(actor, query, now);
      case 'MiSummary':
        requirePermissionAtAll(actor, 'reports.view');
        return this.mi.miSummary(actor, query, now);
      case 'MyTeam':
        return this.people.myTeam(actor, query, now);
      case 'SearchUsers':
        return this.people.searchUsers(actor, query);
      case 'VersionStatus':
        requirePermissionAtAll(actor, 'reports.view');
        return this.mi.versionStatus(actor, query);
      case 'AssignmentHistory':
        return this.audit.history(actor, query, now);
      case 'ExplainAssignment':
        return this.audit.explain(actor, query, now);
      case 'CommandOutcome':
        return commandOutcome(this.options.store, actor, query);
      case 'AssignmentRules':
        return this.rules.assignmentRules(actor, query, now);
      case 'AssignmentSummary':
        return this.rules.assignmentSummary(actor, query, now);
      case 'Groups':
        return this.groups.groups(actor);
      case 'GroupMembers':
        return this.groups.groupMembers(actor, query);
      case 'Courses':
        return this.courses.courses(actor, query);
      case 'UserProfile':
        return this.profiles.profile(actor, query, now);
    }
  }

  // --- per user --------------------------------------------------------------------------------
}

/** SQLite busy or I/O failures (another process holds the lock too long, disk trouble), and a closed store. */
function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof EventStoreUnavailableError ||
    (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(code))
  );
}
