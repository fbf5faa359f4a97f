import type { TrainingStatus } from '../policies/versionPolicy';
import { dateOfDayNumber, dayNumberOf } from '../shared/dayNumbers';
import type { Assignment, SourceState, TrainingState } from './trainingState';

/**
 * A user's training in a compact form for the state cache (issue #19): about a tenth of the folded state's heap, so a
 * cache that would drop a user can keep them packed and unpack them in a few microseconds instead of folding their
 * stream again. The text is JSON of one tuple per assignment (no keys; dates as day numbers, statuses as codes,
 * fields at their usual value left off the end), and the sources, which thousands of users share (a rule's source
 * is the same for everyone it reached on a day), are numbers into a pool of shared sources. An in-memory form only:
 * never stored, and read back only by the packer that wrote it.
 *
 * Unpacking builds every assignment and source with the fields in the order the fold builds them, so the objects
 * share the fold's hidden classes; a field the fold does not always set (a retake, a kept exemption...) travels as
 * JSON beside the tuple and comes back as it went.
 */
export class TrainingPacker {
  /** The pooled sources: frozen, shared by every state unpacked, the pool number is the index. */
  private readonly sources: SourceState[] = [];
  private readonly tuples: SourceTuple[] = [];
  /** Per rule (or '' for individual sources), the pool numbers it was packed to last, the latest first. */
  private readonly latestByRule = new Map<string, number[]>();
  private readonly byObject = new Map<SourceState, number>();
  private readonly byText = new Map<string, number>();
  private pooledBytes = 0;

  /** Pooled sources at most; past it, a new source is written out in full in each state that holds it. */
  constructor(private readonly poolBound = DEFAULT_POOL_BOUND) {}

  /** About how many bytes of heap the pool of shared sources holds. */
  get poolBytes(): number {
    return this.pooledBytes;
  }

  /** The pool is at its bound: new sources are written out in full. */
  private get poolFull(): boolean {
    return this.sources.length >= this.poolBound;
  }

  pack(state: TrainingState): string {
    const packed: unknown[] = [];
    for (const assignment of state.assignments.values()) packed.push(this.packAssignment(assignment));
    return JSON.stringify(packed);
  }

  unpack(text: string): TrainingState {
    const assignments = new Map<string, Assignment>();
    for (const tuple of JSON.parse(text) as unknown[][]) {
      const assignment = this.unpackAssignment(tuple);
      assignments.set(assignment.courseId, assignment);
    }
    return { assignments };
  }

  private packAssignment(assignment: Assignment): unknown[] {
    const tuple: unknown[] = [
      assignment.courseId,
      codeOf(STATUSES, assignment.status),
      assignment.progress,
      assignment.version,
      dateCode(assignment.dueDate),
      dateCode(assignment.assignedOn),
      dateCode(assignment.startedOn),
      assignment.sources.map((source) => this.packSource(source)),
      assignment.active ? 1 : 0,
      codeOf(POLICIES, assignment.dueDatePolicy),
      dateCode(assignment.dueOverride),
      dateCode(assignment.completedOn),
      assignment.score,
      dateCode(assignment.expiresOn),
      assignment.completions,
      assignment.dynamicallyRemovedRules,
      assignment.lastRemoval,
      dateCode(assignment.overdueFor),
      extrasOf(assignment),
    ];
    while (tuple.length > HEAD && isUsual(tuple.length - 1, tuple[tuple.length - 1])) tuple.pop();
    return tuple;
  }

  private unpackAssignment(tuple: unknown[]): Assignment {
    // A field left off the end is at its usual value (USUAL); arrays are new ones, as the fold's are.
    const at = (index: number) => (index < tuple.length ? tuple[index] : undefined);
    const assignment: Assignment = {
      courseId: tuple[0] as string,
      active: (at(8) ?? 1) === 1,
      sources: (tuple[7] as unknown[]).map((source) => this.unpackSource(source)),
      status: valueOf(STATUSES, tuple[1]),
      progress: tuple[2] as number,
      version: tuple[3] as number,
      dueDate: dateOf(tuple[4]),
      dueDatePolicy: valueOf(POLICIES, at(9) ?? 0),
      dueOverride: dateOf(at(10)),
      assignedOn: dateOf(tuple[5]) as string,
      startedOn: dateOf(tuple[6]),
      completedOn: dateOf(at(11)),
      score: (at(12) ?? null) as number | null,
      expiresOn: dateOf(at(13)),
      completions: (at(14) ?? []) as Assignment['completions'],
      dynamicallyRemovedRules: (at(15) ?? []) as string[],
      lastRemoval: (at(16) ?? null) as Assignment['lastRemoval'],
      overdueFor: dateOf(at(17)),
    };
    const extras = at(18) as Record<string, unknown> | null | undefined;
    if (extras) Object.assign(assignment, extras);
    return assignment;
  }

  /**
   * A pool number, else the source's tuple (an exemption is the user's own: not pooled), else the object itself. A
   * source unpacked from the pool is the pool's object, found by identity; another is found by its text.
   */
  private packSource(source: SourceState): number | SourceTuple | SourceState {
    const pooled = this.byObject.get(source);
    if (pooled !== undefined) return pooled;
    const tuple = tupleOf(source);
    if (tuple === undefined) return source;
    if (source.exempt) return tuple;
    // A source folded from an event is its own object: compared field by field with its rule's latest pooled ones,
    // which it usually equals (everyone the rule reached that day), before its text is written to look it up.
    const rule = source.ruleId ?? '';
    const latest = this.latestByRule.get(rule);
    if (latest !== undefined)
      for (const number of latest) if (sameTuple(this.tuples[number] as SourceTuple, tuple)) return number;
    const text = JSON.stringify(tuple);
    const known = this.byText.get(text);
    if (known !== undefined) return this.seen(rule, known);
    if (this.poolFull) return tuple;
    const number = this.sources.length;
    // Frozen: states share it, and the fold never changes a source in place (it builds a new one).
    const shared = Object.freeze(sourceOf(tuple));
    this.sources.push(shared);
    this.tuples.push(tuple);
    this.byObject.set(shared, number);
    this.byText.set(text, number);
    this.pooledBytes += POOLED_SOURCE_BYTES + 2 * text.length;
    return this.seen(rule, number);
  }

  /** Remembers a rule's source as its latest (a few are kept: the days a rule reached users differ). */
  private seen(rule: string, number: number): number {
    const latest = this.latestByRule.get(rule) ?? [];
    this.latestByRule.set(rule, [number, ...latest.filter((other) => other !== number)].slice(0, LATEST_PER_RULE));
    return number;
  }

  private unpackSource(packed: unknown): SourceState {
    if (typeof packed === 'number') return this.sources[packed] as SourceState;
    return Array.isArray(packed) ? sourceOf(packed as SourceTuple) : (packed as SourceState);
  }
}

/** Pooled sources compared field by field before a source's text is written (see packSource). */
const LATEST_PER_RULE = 4;
/** Sources pooled by default: a portal's rules times the days their sources were given; past it, written out. */
const DEFAULT_POOL_BOUND = 20_000;
/** A pooled source's object, its text as the pool's key and the three entries, beside the text's characters. */
const POOLED_SOURCE_BYTES = 600;

const STATUSES: readonly TrainingStatus[] = ['notStarted', 'inProgress', 'completed', 'expired'];
const POLICIES = ['earliest', 'latest'] as const;

/** The fields every assignment's tuple holds; the others are left off the end while at their usual value. */
const HEAD = 8;
/** From `active` on: the value each field has in most assignments (arrays: empty). */
const EMPTY_LIST = Symbol('an empty list');
const USUAL: readonly unknown[] = [1, 0, null, null, null, null, EMPTY_LIST, EMPTY_LIST, null, null, null];

function isUsual(index: number, value: unknown): boolean {
  const usual = USUAL[index - HEAD];
  return usual === EMPTY_LIST ? Array.isArray(value) && value.length === 0 : value === usual;
}

/** The fields the fold always sets, in its order; any other field of an assignment travels as JSON beside it. */
const ASSIGNMENT_FIELDS = new Set([
  'courseId',
  'active',
  'sources',
  'status',
  'progress',
  'version',
  'dueDate',
  'dueDatePolicy',
  'dueOverride',
  'assignedOn',
  'startedOn',
  'completedOn',
  'score',
  'expiresOn',
  'completions',
  'dynamicallyRemovedRules',
  'lastRemoval',
  'overdueFor',
]);

function extrasOf(assignment: Assignment): Record<string, unknown> | null {
  // The fold always sets its eighteen fields: an assignment with eighteen has no other (counted, not looked at).
  if (Object.keys(assignment).length === ASSIGNMENT_FIELDS.size) return null;
  let extras: Record<string, unknown> | null = null;
  for (const key in assignment) {
    if (ASSIGNMENT_FIELDS.has(key)) continue;
    const value = (assignment as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    extras ??= {};
    extras[key] = value;
  }
  return extras;
}

type SourceTuple = [
  SourceState['kind'],
  string | null,
  string | null,
  string | null,
  SourceState['due'],
  string,
  string,
  string,
  0 | 1,
  0 | 1,
  0 | 1,
  0 | 1,
  0 | 1,
  SourceState['exemption'],
];

const SOURCE_FIELDS = 14;

/** The source's fields in the order `sourceState` (trainingState.ts) builds them; undefined if it has others. */
function tupleOf(source: SourceState): SourceTuple | undefined {
  if (Object.keys(source).length !== SOURCE_FIELDS) return undefined;
  const tuple: SourceTuple = [
    source.kind,
    source.ruleId,
    source.groupId,
    source.groupName,
    source.due,
    source.anchorDate,
    source.assignedOn,
    source.assignedBy,
    source.required ? 1 : 0,
    source.dynamic ? 1 : 0,
    source.dynamicReassignment ? 1 : 0,
    source.upgradeToLatestVersion ? 1 : 0,
    source.exempt ? 1 : 0,
    source.exemption,
  ];
  return tuple.some((value) => value === undefined) ? undefined : tuple;
}

/** Equal tuples: every field the same, the due rule (a small object) compared field by field. */
function sameTuple(a: SourceTuple, b: SourceTuple): boolean {
  for (let i = 0; i < SOURCE_FIELDS; i++) if (a[i] !== b[i] && !(i === DUE && sameDue(a[DUE], b[DUE]))) return false;
  return true;
}

const DUE = 4;

function sameDue(a: SourceState['due'], b: SourceState['due']): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
  return true;
}

function sourceOf(tuple: SourceTuple): SourceState {
  return {
    kind: tuple[0],
    ruleId: tuple[1],
    groupId: tuple[2],
    groupName: tuple[3],
    due: tuple[4],
    anchorDate: tuple[5],
    assignedOn: tuple[6],
    assignedBy: tuple[7],
    required: tuple[8] === 1,
    dynamic: tuple[9] === 1,
    dynamicReassignment: tuple[10] === 1,
    upgradeToLatestVersion: tuple[11] === 1,
    exempt: tuple[12] === 1,
    exemption: tuple[13],
  };
}

function codeOf(values: readonly string[], value: string): number | string {
  const code = values.indexOf(value);
  return code < 0 ? value : code;
}

function valueOf<Value extends string>(values: readonly Value[], code: unknown): Value {
  return (typeof code === 'number' ? values[code] : code) as Value;
}

function dateCode(date: string | null): number | string | null {
  return date === null ? null : (dayNumberOf(date) ?? date);
}

function dateOf(code: unknown): string | null {
  return typeof code === 'number' ? dateOfDayNumber(code) : ((code ?? null) as string | null);
}
