import type { AccessState } from '../access/accessDecider';
import { accessDecider } from '../access/accessDecider';
import type { ActiveRule } from '../assignmentRule/assignmentRuleDecider';
import { assignmentRuleDecider } from '../assignmentRule/assignmentRuleDecider';
import type { ExistingCourse } from '../course/courseDecider';
import { courseDecider } from '../course/courseDecider';
import type { DomainEvent } from '../events';
import type { GroupState } from '../group/groupDecider';
import { groupDecider } from '../group/groupDecider';
import type { OrgUnitState } from '../orgUnit/orgUnitDecider';
import { orgUnitDecider } from '../orgUnit/orgUnitDecider';
import type { Actor, OrgChart } from '../policies/permissionPolicy';
import type { PortalState } from '../portal/portalDecider';
import { portalDecider } from '../portal/portalDecider';
import type { UserState } from '../user/userDecider';
import { userDecider } from '../user/userDecider';
import { LayeredMap, writableEntry } from './layeredMap';

export type ExistingUser = Extract<UserState, { exists: true }>;
export type ExistingGroup = Extract<GroupState, { exists: true }>;
export type ExistingOrgUnit = Extract<OrgUnitState, { exists: true }>;

export interface ReferenceDataOptions {
  /**
   * Keep the users by email (default): the command handler's copy checks that an email is unique. The reactor's copy
   * decides no command and does without (issue #19: a Map of 250,000 entries at 250,000 users).
   */
  emailIndex?: boolean;
}

/**
 * The reference data every decision consults: portal preferences, the org tree, users and reporting lines,
 * courses, groups, rules and grants. Built by folding events in order with each aggregate's own `evolve`;
 * collections are updated in place because a portal holds hundreds of thousands of users.
 */
export class ReferenceData {
  preferences: PortalState;
  readonly orgUnits: Map<string, ExistingOrgUnit>;
  readonly users: Map<string, ExistingUser>;
  readonly courses: Map<string, ExistingCourse>;
  readonly groups: Map<string, ExistingGroup>;
  readonly rules: Map<string, ActiveRule>;
  readonly access: Map<string, AccessState>;
  private readonly emails: Map<string, string>;
  private readonly reports: Map<string, Set<string>>;
  private readonly groupsOfUser: Map<string, Set<string>>;
  private readonly rulesOfGroup: Map<string, Set<string>>;

  /** Another copy of the same log that users are shared with (see shareUsersWith). */
  private sharesWith: ReferenceData | undefined;

  private readonly emailIndex: boolean;

  /** `base`: a fork reads through to it (see fork), and keeps an email index if it does. */
  constructor(
    readonly bootstrapAdminId: string | null = null,
    private readonly base?: ReferenceData,
    options: ReferenceDataOptions = {},
  ) {
    this.emailIndex = options.emailIndex ?? base?.emailIndex ?? true;
    const layer = <K, V>(map: Map<K, V> | undefined): Map<K, V> => (map ? new LayeredMap(map) : new Map());
    this.preferences = base?.preferences ?? portalDecider.initialState();
    this.orgUnits = layer(base?.orgUnits);
    this.users = layer(base?.users);
    this.courses = layer(base?.courses);
    this.groups = layer(base?.groups);
    this.rules = layer(base?.rules);
    this.access = layer(base?.access);
    this.emails = layer(base?.emails);
    this.reports = layer(base?.reports);
    this.groupsOfUser = layer(base?.groupsOfUser);
    this.rulesOfGroup = layer(base?.rulesOfGroup);
  }

  /**
   * Two copies of the same log at different places (the command handler's and the reactor's): whichever folds a user
   * second to the very profile the other holds takes the other's object, so a portal's users are held once, not once
   * per copy (issue #19: 24 MB at 100,000 users; either copy may be the first to fold the portal). Both copies treat
   * user objects as values and never change one in place.
   */
  shareUsersWith(other: ReferenceData): void {
    this.sharesWith = other;
    other.sharesWith = this;
  }

  /**
   * The reference data as planned events would leave it (R25 previews): apply them to the fork, which reads through
   * to this one and keeps its changes to itself; nothing this one holds is copied or touched.
   */
  fork(): ReferenceData {
    return new ReferenceData(this.bootstrapAdminId, this);
  }

  /**
   * Moves with every event applied: what is derived from the reference data (a group's size, a rule's audience) may be
   * remembered while it stays put.
   */
  get revision(): number {
    // A fork reads through to its base: it moves when either does.
    return this.applied + (this.base?.revision ?? 0);
  }

  private applied = 0;

  apply(event: DomainEvent): void {
    this.applied++;
    switch (event.type) {
      case 'AssignmentPreferencesSet':
        this.preferences = portalDecider.evolve(this.preferences, event);
        return;
      case 'OrgUnitDefined': {
        const next = orgUnitDecider.evolve(this.orgUnits.get(event.data.orgUnitId) ?? { exists: false }, event);
        if (next.exists) this.orgUnits.set(next.orgUnitId, next);
        return;
      }
      case 'UserRegistered':
      case 'UserProfileUpdated':
      case 'UserDeactivated': {
        const previous = this.users.get(event.data.userId);
        const folded = userDecider.evolve(previous ?? { exists: false }, event);
        if (!folded.exists) return;
        const next = this.shared(this.withHeldIds(folded));
        this.users.set(next.userId, next);
        if (this.emailIndex && previous?.email !== next.email) {
          if (previous) this.emails.delete(emailKey(previous.email));
          this.emails.set(emailKey(next.email), next.userId);
        }
        if (previous?.managerId !== next.managerId) {
          if (previous?.managerId) writableSet(this.reports, previous.managerId)?.delete(next.userId);
          if (next.managerId) setOf(this.reports, next.managerId).add(next.userId);
        }
        return;
      }
      case 'CourseCreated':
      case 'CourseVersionUpgraded':
      case 'CourseDeactivated':
      case 'CourseActivated': {
        const next = courseDecider.evolve(this.courses.get(event.data.courseId) ?? { exists: false }, event);
        if (next.exists) this.courses.set(next.courseId, next);
        return;
      }
      case 'GroupCreated':
      case 'GroupMemberAdded':
      case 'GroupMemberRemoved': {
        // The group's members change in place (groupDecider keeps one set per group): a fork copies them first.
        const current = writableEntry(this.groups, event.data.groupId, (group) => ({
          ...group,
          members: new Set(group.members),
        }));
        const next = groupDecider.evolve(current ?? { exists: false }, event);
        if (!next.exists) return;
        this.groups.set(next.groupId, next);
        if (event.type === 'GroupMemberAdded') setOf(this.groupsOfUser, event.data.userId).add(next.groupId);
        if (event.type === 'GroupMemberRemoved')
          writableSet(this.groupsOfUser, event.data.userId)?.delete(next.groupId);
        return;
      }
      case 'AssignmentRuleCreated':
      case 'AssignmentRuleUpdated':
      case 'AssignmentRuleRetired': {
        const previous = this.rules.get(event.data.ruleId);
        const next = assignmentRuleDecider.evolve(previous ? { exists: true, ...previous } : { exists: false }, event);
        if (!next.exists) return;
        const { exists: _exists, ...rule } = next;
        this.rules.set(rule.ruleId, rule);
        if (rule.target.kind === 'group') setOf(this.rulesOfGroup, rule.target.groupId).add(rule.ruleId);
        return;
      }
      case 'PermissionGranted':
      case 'PermissionRevoked':
        this.access.set(
          event.data.userId,
          accessDecider.evolve(this.access.get(event.data.userId) ?? accessDecider.initialState(), event),
        );
        return;
      default:
        return;
    }
  }

  /**
   * A freshly folded user (not shared yet) takes the id strings this copy already holds for its org unit and manager:
   * each event brings its own copy of them, thousands of users name the same org unit (issue #19).
   */
  private withHeldIds(user: ExistingUser): ExistingUser {
    user.orgUnitId = this.orgUnits.get(user.orgUnitId)?.orgUnitId ?? user.orgUnitId;
    if (user.managerId !== null) user.managerId = this.users.get(user.managerId)?.userId ?? user.managerId;
    return user;
  }

  /** The other copy's object for this user when it holds the same profile (see shareUsersWith). */
  private shared(user: ExistingUser): ExistingUser {
    const other = this.sharesWith?.users.get(user.userId);
    return other !== undefined && sameFields(other, user) ? other : user;
  }

  // --- org tree and reporting lines ------------------------------------------------------------

  /** The org unit and its ancestors up to the root. */
  orgUnitPath(orgUnitId: string): string[] {
    const path: string[] = [];
    let current: string | null = orgUnitId;
    while (current !== null && !path.includes(current)) {
      path.push(current);
      current = this.orgUnits.get(current)?.parentId ?? null;
    }
    return path;
  }

  managementChain(userId: string): string[] {
    const chain: string[] = [];
    let current = this.users.get(userId)?.managerId ?? null;
    while (current !== null && !chain.includes(current)) {
      chain.push(current);
      current = this.users.get(current)?.managerId ?? null;
    }
    return chain;
  }

  directReports(managerId: string): string[] {
    return [...(this.reports.get(managerId) ?? [])];
  }

  /** Everyone below a manager in the reporting line. */
  reportingLine(managerId: string): string[] {
    const found: string[] = [];
    const queue = [managerId];
    const seen = new Set(queue);
    while (queue.length > 0) {
      for (const report of this.reports.get(queue.shift() as string) ?? []) {
        if (seen.has(report)) continue;
        seen.add(report);
        found.push(report);
        queue.push(report);
      }
    }
    return found;
  }

  emailOwner(email: string): string | undefined {
    if (!this.emailIndex) throw new Error('this copy of the reference data keeps no email index');
    return this.emails.get(emailKey(email));
  }

  timeZoneOf(userId: string): string {
    return this.users.get(userId)?.timeZone ?? this.preferences.timeZone;
  }

  groupsOf(userId: string): ReadonlySet<string> {
    return this.groupsOfUser.get(userId) ?? new Set();
  }

  rulesTargeting(groupId: string): ActiveRule[] {
    return [...(this.rulesOfGroup.get(groupId) ?? [])]
      .map((ruleId) => this.rules.get(ruleId))
      .filter((rule): rule is ActiveRule => rule !== undefined);
  }

  // --- permissions -----------------------------------------------------------------------------

  actor(userId: string): Actor {
    return {
      userId,
      isBootstrapAdmin: userId === this.bootstrapAdminId,
      grants: this.access.get(userId)?.grants ?? [],
    };
  }

  readonly orgChart: OrgChart = {
    orgUnitPath: (orgUnitId) => this.orgUnitPath(orgUnitId),
    userOrgUnit: (userId) => this.users.get(userId)?.orgUnitId,
    managementChain: (userId) => this.managementChain(userId),
  };
}

/** Emails are unique case-insensitively; an address already in lower case is its own key (held once, not twice). */
function emailKey(email: string): string {
  const lower = email.toLowerCase();
  return lower === email ? email : lower;
}

/** The same own fields with the same values (a user's fields are strings, booleans and null). */
function sameFields(a: object, b: object): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return keys.every((key) => Object.hasOwn(b, key) && left[key] === right[key]);
}

function writableSet<K, V>(map: Map<K, Set<V>>, key: K): Set<V> | undefined {
  return writableEntry(map, key, (set) => new Set(set));
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = writableSet(map, key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
