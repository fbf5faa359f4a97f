#!/usr/bin/env node
import { parseArgs } from 'node:util';
import {
  EventStoreAccessDeniedError,
  EventStoreCorruptError,
  EventStoreUnavailableError,
} from '../../handlers/ports/eventStore';
import type { Config } from '../config';
import { ConfigError, clockFrom, loadConfig } from '../config';
import { buildEngine } from '../engine/buildEngine';
import type { Engine } from '../engine/engine';
import { isWebVerb, runWebVerb, startHttpBeside, WEB_USAGE } from '../http/webCli';
import { createLogger } from '../logger';
import { loadNatsConfig } from '../nats/natsConfig';
import { EngineServer } from '../server/engineServer';
import { auditTimes, printExplanation, printHistory } from './auditOutput';
import { runDemo } from './demo/runDemo';
import { EXPORT_USAGE, runExport } from './exportVerb';
import { IMPORT_USAGE, runImport } from './importVerb';
import { runCommands, runQueries } from './jsonRequests';
import { thresholdsOf } from './numericFlags';
import { printParked, printStatus, retryParked, tick } from './operationsOutput';
import { rebuildReadModels, verify } from './readModelOperations';
import { reportOptions } from './reportOptions';
import { printReport, printTeam } from './reportOutput';
import { UsageError } from './usageError';
import { isViewVerb, runViewVerb } from './viewVerbs';

const USAGE = `lms: the training-assignment engine on its embedded store

Usage: lms [--data DIR] <command> [arguments]

Commands:
  command [JSON | -f FILE | -]          run commands: one JSON object, an array, or JSON lines;
                                        prints one reply per line (a missing commandId gets a fresh ULID)
  query [JSON | -f FILE | -]            run queries the same way: {"type", "actor": {"userId"}, "params"}
  history USER_ID [--as-of WHEN] [--known-at WHEN]
                                        a user's assignments and the events behind them (audit): --as-of what was
                                        true then, as known now (corrections applied); --known-at what the engine
                                        said at that moment; WHEN is an instant, or a date meaning the end of that
                                        day in the portal's time zone
  explain USER_ID COURSE_ID [--as-of WHEN] [--known-at WHEN]
                                        why an assignment exists: sources, due-date candidates, versions, corrections
  report [--format table|csv|json] [--course ID] [--org-unit ID] [--department D] [--status "Not Started"]
         [--overdue | --not-overdue] [--rule ID] [--group ID] [--manager ID (whole line)]
         [--due-from DATE] [--due-to DATE] [--assigned-from DATE] [--assigned-to DATE] [--limit N]
                                        MI reporting: one row per visible assignment (all of them, fetched N at a time)
  report --summary [--group-by course|department|orgUnit] [--format table|csv|json]
                                        MI summary: counts per status, completion rate, overdue
  team MANAGER_ID [--all]               My Team: direct reports (or the whole line) and their training
  rules                                 the assignment rules you may see: target, mode, due rule, users per status
  summary RULE_ID [--limit N] [--offset N]
                                        a rule's Assignment Summary: its settings, counts, and its users (100 a page)
  groups                                groups with their kind, members and the rules that target them
  members GROUP_ID [--limit N] [--offset N]
                                        a group's members (100 a page)
  courses                               courses with their versions and how many users are on each
  profile USER_ID                       a user's profile: details, current training with sources, completion history
  exemptions USER_ID                    the user's exemptions tick list: each rule source, ticked when exempt
  search TEXT                           users whose name or e-mail contains TEXT
  status [--max-lag-events N] [--max-lag-seconds S]
                                        head position, each checkpoint's lag, parked work; exit 1 when
                                        anything is parked or lags past the limits (10000 events, 300 s)
  tick                                  apply the day's scheduled transitions once (expiry, overdue, reminders),
                                        for the embedded store under cron; lms serve does it by itself
  parked                                background work that kept failing and was set aside, with its error
  retry [KEY ...]                       run parked reactions again after a fix (all, or those named)
  rebuild                               rebuild every read model from the events (progress bar)
  verify                                check the log (SQLite and every event's checksum), compare the read
                                        models with a rebuild, and check that the reactions are done
  demo                                  play the three seeds' stories on a fresh data folder
  serve                                 run as a NATS service (NATS_URL, see README) until SIGTERM/SIGINT
${WEB_USAGE}
${IMPORT_USAGE}
${EXPORT_USAGE}
  help                                  this text

Options:
  --data DIR       data folder (default: LMS_DATA or ./data)
  --actor USER_ID  who asks, for history, explain, report, team, rules, summary, groups, members, courses and
                   profile (default: LMS_BOOTSTRAP_ADMIN)
  --json           print history, explain, team, status, parked and the views above as JSON instead of tables

Environment: LMS_DATA, EVENT_STORE (sqlite | memory), LMS_BOOTSTRAP_ADMIN, LMS_SQLITE_SYNCHRONOUS, LMS_LOG_LEVEL,
  LMS_PREFIX, NATS_URL, NATS_USER/NATS_PASSWORD | NATS_TOKEN | NATS_NKEY_SEED | NATS_CREDS_FILE, NATS_TLS_*
Exit status: 0 when every command or query succeeded, 1 when one was refused, 2 for a usage or setup error.`;

function parseCliArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      http: { type: 'string' },
      file: { type: 'string', short: 'f' },
      actor: { type: 'string' },
      'as-of': { type: 'string' },
      'known-at': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      format: { type: 'string', default: 'table' },
      course: { type: 'string' },
      'org-unit': { type: 'string' },
      department: { type: 'string' },
      rule: { type: 'string' },
      group: { type: 'string' },
      manager: { type: 'string' },
      'due-from': { type: 'string' },
      'due-to': { type: 'string' },
      'assigned-from': { type: 'string' },
      'assigned-to': { type: 'string' },
      status: { type: 'string' },
      overdue: { type: 'boolean' },
      'not-overdue': { type: 'boolean' },
      limit: { type: 'string' },
      offset: { type: 'string', default: '0' },
      summary: { type: 'boolean', default: false },
      'group-by': { type: 'string', default: 'course' },
      all: { type: 'boolean', default: false },
      'max-lag-events': { type: 'string', default: '10000' },
      'max-lag-seconds': { type: 'string', default: '300' },
      'dry-run': { type: 'boolean', default: false },
      out: { type: 'string' },
      user: { type: 'string' },
    },
  });
}

type CliValues = ReturnType<typeof parseCliArgs>['values'];

export async function main(argv: string[]): Promise<number> {
  if (isWebVerb(argv)) return runWebVerb(argv);
  const { values, positionals } = parseCliArgs(argv);
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === 'help') {
    console.log(USAGE);
    return verb === undefined && !values.help ? 2 : 0;
  }
  if (values.data !== undefined && values.data.trim() === '')
    throw new UsageError('--data needs a folder: give its path, or leave --data out for LMS_DATA or ./data');
  const overrides: Partial<Config> = values.data ? { LMS_DATA: values.data } : {};
  if (verb === 'demo') return runDemo({ dataDir: values.data });
  const config = loadConfig(process.env, overrides);
  if (verb === 'rebuild') return rebuildReadModels(config);
  if (verb === 'verify') return verify(config);
  if (verb === 'serve') return serve(config, values.http);
  // An unknown verb is a usage error before anything is opened (a data folder that cannot open would hide it).
  if (!isEngineVerb(verb) && !isViewVerb(verb)) throw new UsageError(`unknown command "${verb}": try "lms help"`);
  const logger = createLogger(config.LMS_LOG_LEVEL ?? 'warn');
  const engine = buildEngine({ config, logger, clock: clockFrom(config) });
  try {
    return await runVerb(engine, config, verb, rest, values);
  } finally {
    await engine.close();
  }
}

/** The verbs runVerb answers on an open engine (its switch covers each: TypeScript keeps the two in step). */
const ENGINE_VERBS = [
  'command',
  'query',
  'history',
  'explain',
  'report',
  'team',
  'status',
  'parked',
  'tick',
  'import',
  'export',
  'retry',
] as const;
type EngineVerb = (typeof ENGINE_VERBS)[number];
const isEngineVerb = (verb: string): verb is EngineVerb => (ENGINE_VERBS as readonly string[]).includes(verb);

/** The verbs that run on an open engine (main refused any other before opening it); the caller closes it. */
async function runVerb(
  engine: Engine,
  config: Config,
  verb: string,
  rest: string[],
  values: CliValues,
): Promise<number> {
  if (!isEngineVerb(verb)) return await runViewVerb(engine, actorFrom(values.actor, config), verb, rest, values);
  switch (verb) {
    case 'command':
      return await runCommands(engine, jsonSource(rest, values));
    case 'query':
      return await runQueries(engine, jsonSource(rest, values));
    case 'history': {
      const [userId] = rest;
      if (!userId) throw new UsageError('history needs a USER_ID');
      const when = await auditTimes(engine, values['as-of'], values['known-at']);
      return await printHistory(engine, actorFrom(values.actor, config), userId, when, values.json);
    }
    case 'explain': {
      const [userId, courseId] = rest;
      if (!userId || !courseId) throw new UsageError('explain needs a USER_ID and a COURSE_ID');
      return await printExplanation(
        engine,
        actorFrom(values.actor, config),
        userId,
        courseId,
        await auditTimes(engine, values['as-of'], values['known-at']),
        values.json,
      );
    }
    case 'report': {
      // Flags before the actor: a bad flag is reported even when no actor is named.
      const options = reportOptions(values);
      return await printReport(engine, actorFrom(values.actor, config), options);
    }
    case 'team': {
      const [managerId] = rest;
      if (!managerId) throw new UsageError('team needs a MANAGER_ID');
      return await printTeam(engine, actorFrom(values.actor, config), managerId, values.all, values.json);
    }
    case 'status':
      return await printStatus(engine, { json: values.json, thresholds: thresholdsOf(values) });
    case 'parked':
      return await printParked(engine, values.json);
    case 'tick':
      return await tick(engine);
    case 'import':
      return await runImport(engine, actorFrom(values.actor, config), rest, values);
    case 'export':
      return await runExport(engine, actorFrom(values.actor, config), rest, values);
    case 'retry':
      return await retryParked(engine, rest);
    default: {
      const unanswered: never = verb;
      throw new UsageError(`unknown command "${unanswered}": try "lms help"`);
    }
  }
}

/** `command` and `query` read inline JSON, `-f FILE`, or standard input when the argument is `-`. */
function jsonSource(rest: string[], values: CliValues): { inline?: string | undefined; file?: string | undefined } {
  return {
    inline: rest[0] === '-' ? undefined : rest[0],
    file: values.file ?? (rest[0] === '-' ? '-' : undefined),
  };
}

/** `lms serve`: the NATS service until SIGTERM or SIGINT, then a graceful stop. */
async function serve(config: Config, httpPort?: string): Promise<number> {
  const nats = loadNatsConfig(process.env);
  const logger = createLogger(config.LMS_LOG_LEVEL ?? 'info');
  let fatal: Error | undefined;
  let wake: () => void = () => undefined;
  const server = new EngineServer({
    config,
    nats,
    clock: clockFrom(config),
    logger,
    onFatal: (error) => {
      fatal = error;
      wake();
    },
  });
  await server.start();
  const web = await startHttpBeside(server.engine, config, httpPort, logger).catch((error: Error) =>
    server.stop().then(() => Promise.reject(error)),
  );
  await new Promise<void>((resolve) => {
    wake = resolve;
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  logger.info('stopping: finishing the work in hand');
  await web?.close();
  await server.stop().catch((error: Error) => logger.error({ err: error.message }, 'stopped with an error'));
  if (fatal instanceof EventStoreCorruptError) console.error(`lms: ${fatal.message}`);
  return fatal ? 1 : 0;
}

function actorFrom(flag: string | undefined, config: Config): string {
  const actor = flag ?? config.LMS_BOOTSTRAP_ADMIN;
  if (!actor) throw new UsageError('name who asks with --actor USER_ID (or set LMS_BOOTSTRAP_ADMIN)');
  return actor;
}

/** Runs the CLI and turns every failure into a one-line message and an exit status: never a stack trace. */
export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`lms: ${error.message}`);
      process.exitCode = 2;
    } else if (error instanceof EventStoreCorruptError || error instanceof EventStoreAccessDeniedError) {
      // Both messages say what is wrong and what to do; neither is "unavailable, try again".
      console.error(`lms: ${error.message}`);
      process.exitCode = 2;
    } else if (error instanceof EventStoreUnavailableError) {
      console.error(`lms: the event store is unavailable: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(
        `lms: unexpected failure: ${error instanceof Error ? error.message : String(error)} (set LMS_LOG_LEVEL=debug for details)`,
      );
      if (process.env.LMS_LOG_LEVEL === 'debug') console.error(error);
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void run(process.argv.slice(2));
