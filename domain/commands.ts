import { z } from 'zod';
import { accessCommandSchemas } from './access/accessCommands';
import { assignmentRuleCommandSchemas } from './assignmentRule/assignmentRuleCommands';
import { courseCommandSchemas } from './course/courseCommands';
import { groupCommandSchemas } from './group/groupCommands';
import { orgUnitCommandSchemas } from './orgUnit/orgUnitCommands';
import { portalCommandSchemas } from './portal/portalCommands';
import { CommandIdSchema, IdSchema, ReasonSchema, textSchema } from './shared/primitives';
import { userCommandSchemas } from './user/userCommands';
import { trainingCommandSchemas } from './userTraining/trainingCommands';

/** Every command's data schema, by command type (DESIGN.md section 4). */
export const commandDataSchemas = {
  ...portalCommandSchemas,
  ...orgUnitCommandSchemas,
  ...userCommandSchemas,
  ...courseCommandSchemas,
  ...groupCommandSchemas,
  ...assignmentRuleCommandSchemas,
  ...trainingCommandSchemas,
  ...accessCommandSchemas,
} as const;

export type CommandType = keyof typeof commandDataSchemas;
export const commandTypes = Object.keys(commandDataSchemas) as CommandType[];

export const ActorSchema = z.object({ userId: IdSchema }).strict();

/** The envelope every command travels in; `data` is checked against the schema of its `type`. */
export const CommandEnvelopeSchema = z
  .object({
    commandId: CommandIdSchema,
    type: z.string().min(1).max(64),
    actor: ActorSchema,
    data: z.unknown(),
    reason: ReasonSchema.optional(),
    notes: textSchema(4000, { multiline: true }).optional(),
    correlationId: textSchema(128, { min: 1 }).optional(),
    /** R25: decide against the present and reply with what would happen; store nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();
export type CommandEnvelope = z.infer<typeof CommandEnvelopeSchema>;

export type Command = {
  [Type in CommandType]: Omit<CommandEnvelope, 'type' | 'data'> & {
    type: Type;
    data: z.output<(typeof commandDataSchemas)[Type]>;
  };
}[CommandType];
export type CommandOf<Type extends CommandType> = Extract<Command, { type: Type }>;
/** A command as a caller writes it: optional fields may be left out (their defaults apply). */
export type CommandInputOf<Type extends CommandType> = Omit<CommandEnvelope, 'type' | 'data'> & {
  type: Type;
  data: z.input<(typeof commandDataSchemas)[Type]>;
};

export interface ValidationIssue {
  path: string;
  message: string;
}

export type ParsedCommand =
  | { ok: true; command: Command }
  | { ok: false; commandId: string | null; message: string; issues: ValidationIssue[] };

export function isCommandType(type: string): type is CommandType {
  return Object.prototype.hasOwnProperty.call(commandDataSchemas, type);
}

/** Validates an envelope and its data; the message says what to fix. */
export function parseCommand(input: unknown): ParsedCommand {
  const envelope = CommandEnvelopeSchema.safeParse(input);
  // An invalid command id is echoed for correlation, but never a huge one (a 1 MB id must not make a 1 MB reply).
  const given = (input as { commandId?: unknown } | null)?.commandId;
  const commandId = typeof given === 'string' && given.length <= 128 ? given : null;
  if (!envelope.success) return invalid(commandId, 'the command envelope is invalid', envelope.error.issues);
  const { type } = envelope.data;
  if (!isCommandType(type)) {
    return {
      ok: false,
      commandId,
      message: `unknown command type ${JSON.stringify(type)}: expected one of ${commandTypes.join(', ')}`,
      issues: [{ path: 'type', message: 'unknown command type' }],
    };
  }
  const data = commandDataSchemas[type].safeParse(envelope.data.data);
  if (!data.success) return invalid(commandId, `${type} data is invalid`, data.error.issues, 'data');
  // ULIDs compare case-insensitively (R21): the canonical, upper-case id is the one stored and answered.
  const canonicalId = canonicalCommandId(envelope.data.commandId);
  return { ok: true, command: { ...envelope.data, commandId: canonicalId, type, data: data.data } as Command };
}

/** A command id as stored: ULIDs are case-insensitive, their canonical form is upper case (R21). */
export function canonicalCommandId(commandId: string): string {
  return commandId.toUpperCase();
}

function invalid(
  commandId: string | null,
  headline: string,
  zodIssues: readonly z.core.$ZodIssue[],
  prefix?: string,
): ParsedCommand {
  const issues = zodIssues.map((issue) => ({ path: formatPath(prefix, issue.path), message: issue.message }));
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path || '(root)'}: ${issue.message}`)
    .join('; ');
  return {
    ok: false,
    commandId,
    message: `${headline}: ${summary}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`,
    issues,
  };
}

export function formatPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  let text = prefix ?? '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text;
}
