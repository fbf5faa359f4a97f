import type { Actor } from '../domain/policies/permissionPolicy';
import { canView, usersInScope, VIEWING } from '../domain/policies/queryPermissions';
import type { QueryOf } from '../domain/queries';
import { forbidden, notFound } from '../domain/shared/domainError';
import type { QuerySources } from './readModelQueries';
import { ReadModelQueries } from './readModelQueries';
import type { UserViews } from './userViews';

/** Across people: My Team for a manager, and finding users (R17: only those the actor may view). */
export class PeopleQueries extends ReadModelQueries {
  constructor(
    sources: QuerySources,
    private readonly users: UserViews,
  ) {
    super(sources);
  }

  myTeam(actor: Actor, query: QueryOf<'MyTeam'>, now: string) {
    const managerId = query.params.managerId ?? actor.userId;
    if (!this.referenceData.users.has(managerId))
      throw notFound(`user ${managerId} is not registered: check the id`, { userId: managerId });
    const members =
      query.params.scope === 'all'
        ? this.referenceData.reportingLine(managerId)
        : this.referenceData.directReports(managerId);
    // A manager sees their own reporting line (also when asking about a manager below them); others only the members
    // they may view.
    const visible = members.filter(
      (userId) =>
        this.referenceData.managementChain(userId).includes(actor.userId) || canView(actor, userId, this.referenceData),
    );
    // An actor with no rights over the team is refused, not shown an empty one: "0 people" would read as a fact.
    // An empty team answers whoever may view its manager; a non-empty one whoever sees one of its members.
    const rightsOverTeam =
      managerId === actor.userId ||
      this.referenceData.managementChain(managerId).includes(actor.userId) ||
      visible.length > 0 ||
      (members.length === 0 && canView(actor, managerId, this.referenceData, VIEWING, false));
    if (!rightsOverTeam)
      throw forbidden(
        `user ${actor.userId} may not see the team of ${managerId}: ${actor.userId} is not ${managerId} or one of ${managerId}'s managers, and holds none of ${VIEWING.join(', ')} over anyone on that team`,
        { managerId },
      );
    return {
      managerId,
      scope: query.params.scope,
      members: (() => {
        const active = visible.filter((userId) => this.referenceData.users.get(userId)?.active).sort();
        const rows = this.users.dashboardsOf(active, now);
        return active.map((userId) => {
          const user = this.referenceData.users.get(userId);
          return {
            userId,
            name: user?.name ?? userId,
            managerId: user?.managerId ?? null,
            assignments: rows.get(userId) ?? [],
          };
        });
      })(),
    };
  }

  searchUsers(actor: Actor, query: QueryOf<'SearchUsers'>) {
    const { text, department, role, status, limit } = query.params;
    const where: string[] = [];
    const params: Record<string, unknown> = { limit };
    if (text) {
      where.push(`(u.name LIKE @text ESCAPE '\\' OR u.email LIKE @text ESCAPE '\\')`);
      params.text = `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    }
    if (department) {
      where.push('u.department = @department');
      params.department = department;
    }
    if (role) {
      where.push('u.role = @role');
      params.role = role;
    }
    if (status) {
      where.push('u.active = @active');
      params.active = status === 'active' ? 1 : 0;
    }
    const scope = actor.isBootstrapAdmin ? null : this.searchScope(actor);
    if (scope !== null) {
      where.push('u.user_id IN (SELECT value FROM json_each(@scope))');
      params.scope = JSON.stringify(scope);
    }
    type Row = {
      user_id: string;
      name: string;
      email: string;
      department: string | null;
      role: string | null;
      org_unit_id: string;
      active: number;
    };
    return this.statement<Record<string, unknown>, Row>(
      `SELECT u.user_id, u.name, u.email, u.department, u.role, u.org_unit_id, u.active FROM users u
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.name, u.user_id LIMIT @limit`,
    )
      .all(params)
      .map((row) => ({
        userId: row.user_id,
        name: row.name,
        email: row.email,
        department: row.department,
        role: row.role,
        orgUnitId: row.org_unit_id,
        active: row.active === 1,
      }));
  }

  /** Users an actor finds: those any viewing permission reaches, and themselves. */
  searchScope(actor: Actor): string[] | null {
    const scopes = (['reports.view', 'assignment.standard', 'exemptions.manage', 'users.manage'] as const).map(
      (permission) =>
        actor.grants.some(
          (grant) =>
            grant.permission === permission ||
            (permission === 'assignment.standard' && grant.permission === 'assignment.dynamic'),
        )
          ? usersInScope(actor, permission, this.referenceData)
          : [],
    );
    if (scopes.some((scope) => scope === null)) return null;
    return [...new Set([actor.userId, ...scopes.flatMap((scope) => scope ?? [])])].sort();
  }
}
