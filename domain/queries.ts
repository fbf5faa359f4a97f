import { z } from 'zod';
import { ActorSchema } from './commands';
import {
  CommandIdSchema,
  DateInputSchema,
  IdSchema,
  InstantInputSchema,
  LabelSchema,
  textSchema,
} from './shared/primitives';
import { PairOutcomeKindSchema } from './userTraining/bulkAssignment';
import { TrainingStatusSchema } from './userTraining/trainingEvents';

/**
 * Report filters beyond the org tree (issue #16): the holders of one rule, the members of one group, a manager's whole
 * reporting line, and due / assigned date ranges (inclusive; a row without a due date is outside any due range).
 */
const reportFilters = {
  ruleId: IdSchema.optional(),
  groupId: IdSchema.optional(),
  managerId: IdSchema.optional(),
  dueFrom: DateInputSchema.optional(),
  dueTo: DateInputSchema.optional(),
  assignedFrom: DateInputSchema.optional(),
  assignedTo: DateInputSchema.optional(),
};

/** A range whose end comes before its start is a mistake, not an empty report. */
const rangesInOrder = (context: {
  value: {
    dueFrom?: string | undefined;
    dueTo?: string | undefined;
    assignedFrom?: string | undefined;
    assignedTo?: string | undefined;
  };
  issues: z.core.$ZodRawIssue[];
}) => {
  const { dueFrom, dueTo, assignedFrom, assignedTo } = context.value;
  for (const [from, to, name] of [
    [dueFrom, dueTo, 'due'],
    [assignedFrom, assignedTo, 'assigned'],
  ] as const) {
    if (from !== undefined && to !== undefined && from > to)
      context.issues.push({
        code: 'custom',
        message: `${name}From ${from} is after ${name}To ${to}`,
        input: context.value,
        path: [`${name}From`],
      });
  }
};

/**
 * R26: the two audit questions. `asOf`: a date (the end of that day in the portal's time zone) or an instant;
 * `knownAt`: an instant. Both may be given: what was true on `asOf`, as known at `knownAt`.
 */
const bitemporal = {
  asOf: z.union([DateInputSchema, InstantInputSchema]).optional(),
  knownAt: InstantInputSchema.optional(),
};

/** Every query's parameters, by query name (DESIGN.md section 4). */
export const queryParamSchemas = {
  UserDashboard: z.object({ userId: IdSchema }).strict(),
  UserAssignments: z.object({ userId: IdSchema }).strict(),
  UserExemptions: z.object({ userId: IdSchema }).strict(),
  MiReport: z
    .object({
      courseId: IdSchema.optional(),
      orgUnitId: IdSchema.optional(),
      department: LabelSchema.optional(),
      status: TrainingStatusSchema.optional(),
      overdue: z.boolean().optional(),
      ...reportFilters,
      limit: z.number().int().min(1).max(10_000).default(1000),
      offset: z.number().int().min(0).default(0),
    })
    .strict()
    .check(rangesInOrder),
  MiSummary: z
    .object({
      groupBy: z.enum(['course', 'department', 'orgUnit']).default('course'),
      courseId: IdSchema.optional(),
      orgUnitId: IdSchema.optional(),
      ...reportFilters,
    })
    .strict()
    .check(rangesInOrder),
  MyTeam: z.object({ managerId: IdSchema.optional(), scope: z.enum(['direct', 'all']).default('direct') }).strict(),
  SearchUsers: z
    .object({
      text: textSchema(200, { min: 1, trim: true }).optional(),
      department: LabelSchema.optional(),
      role: LabelSchema.optional(),
      status: z.enum(['active', 'inactive']).optional(),
      limit: z.number().int().min(1).max(1000).default(50),
    })
    .strict(),
  /** R26: asOf, what was true then as known now (corrections applied); knownAt, what the engine said at that instant. */
  AssignmentHistory: z.object({ userId: IdSchema, ...bitemporal }).strict(),
  ExplainAssignment: z.object({ userId: IdSchema, courseId: IdSchema, ...bitemporal }).strict(),
  VersionStatus: z.object({ courseId: IdSchema }).strict(),
  /** The rules the actor may see (R17), each with its settings, audience and counts per status. */
  AssignmentRules: z.object({ courseId: IdSchema.optional(), includeRetired: z.boolean().default(false) }).strict(),
  /** One rule's summary page: its settings and counts, and its holders page by page. */
  AssignmentSummary: z
    .object({
      ruleId: IdSchema,
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    })
    .strict(),
  Groups: z.object({}).strict(),
  GroupMembers: z
    .object({
      groupId: IdSchema,
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    })
    .strict(),
  Courses: z.object({ includeInactive: z.boolean().default(true) }).strict(),
  /** The profile drawer: user details, current assignments with sources, completion history. */
  UserProfile: z.object({ userId: IdSchema }).strict(),
  /** R27: a command's whole outcome, its per-pair results page by page; only its sender may read it. */
  CommandOutcome: z
    .object({
      commandId: CommandIdSchema,
      outcome: PairOutcomeKindSchema.optional(),
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    })
    .strict(),
} as const;

export type QueryName = keyof typeof queryParamSchemas;
export const queryNames = Object.keys(queryParamSchemas) as QueryName[];

export const QueryEnvelopeSchema = z
  .object({
    type: z.string().min(1).max(64),
    actor: ActorSchema,
    params: z.unknown().default({}),
    /** Wait (bounded) until the read side has reached this position: read-your-writes after a command reply. */
    minPosition: z.number().int().min(0).optional(),
  })
  .strict();

export type Query = {
  [Name in QueryName]: {
    type: Name;
    actor: { userId: string };
    params: z.output<(typeof queryParamSchemas)[Name]>;
    minPosition?: number | undefined;
  };
}[QueryName];
export type QueryOf<Name extends QueryName> = Extract<Query, { type: Name }>;
/** A query as a caller writes it: optional parameters may be left out. */
export type QueryInputOf<Name extends QueryName> = {
  type: Name;
  actor: { userId: string };
  params: z.input<(typeof queryParamSchemas)[Name]>;
  minPosition?: number;
};

export type ParsedQuery =
  | { ok: true; query: Query }
  | { ok: false; message: string; issues: { path: string; message: string }[] };

export function parseQuery(input: unknown): ParsedQuery {
  const envelope = QueryEnvelopeSchema.safeParse(input);
  if (!envelope.success)
    return {
      ok: false,
      message: `the query envelope is invalid: ${summarize(envelope.error.issues)}`,
      issues: issuesOf(envelope.error.issues),
    };
  const { type } = envelope.data;
  if (!Object.prototype.hasOwnProperty.call(queryParamSchemas, type)) {
    return {
      ok: false,
      message: `unknown query ${JSON.stringify(type)}: expected one of ${queryNames.join(', ')}`,
      issues: [{ path: 'type', message: 'unknown query' }],
    };
  }
  const params = queryParamSchemas[type as QueryName].safeParse(envelope.data.params);
  if (!params.success)
    return {
      ok: false,
      message: `${type} params are invalid: ${summarize(params.error.issues, 'params')}`,
      issues: issuesOf(params.error.issues, 'params'),
    };
  return { ok: true, query: { ...envelope.data, type, params: params.data } as Query };
}

function issuesOf(issues: readonly z.core.$ZodIssue[], prefix?: string) {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

function summarize(issues: readonly z.core.$ZodIssue[], prefix?: string): string {
  return issuesOf(issues, prefix)
    .slice(0, 5)
    .map((issue) => `${issue.path || '(root)'}: ${issue.message}`)
    .join('; ');
}
