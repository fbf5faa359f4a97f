import type { Engine } from '../engine/engine';
import { printCourses, printGroups, printMembers } from './directoryOutput';
import { pageOf } from './numericFlags';
import { printExemptions, printSearch } from './peopleOutput';
import { printProfile } from './profileOutput';
import { printRules, printSummary } from './ruleOutput';
import { UsageError } from './usageError';

/** The flags the admin views read. */
export interface ViewFlags {
  json: boolean;
  limit?: string | undefined;
  offset?: string | undefined;
}

const VIEW_VERBS = new Set(['rules', 'summary', 'groups', 'members', 'courses', 'profile', 'exemptions', 'search']);

export const isViewVerb = (verb: string): boolean => VIEW_VERBS.has(verb);

/** The admin's views as tables (issue #16): rules, a rule's summary, groups, members, courses, a profile, exemptions. */
export function runViewVerb(engine: Engine, actorId: string, verb: string, rest: string[], flags: ViewFlags) {
  const [id] = rest;
  const needs = (what: string) => {
    if (!id) throw new UsageError(`${verb} needs a ${what}`);
    return id;
  };
  switch (verb) {
    case 'rules':
      return printRules(engine, actorId, flags.json);
    case 'summary':
      return printSummary(engine, actorId, needs('RULE_ID (lms rules lists them)'), pageOf(flags), flags.json);
    case 'groups':
      return printGroups(engine, actorId, flags.json);
    case 'members':
      return printMembers(engine, actorId, needs('GROUP_ID (lms groups lists them)'), pageOf(flags), flags.json);
    case 'courses':
      return printCourses(engine, actorId, flags.json);
    case 'profile':
      return printProfile(engine, actorId, needs('USER_ID'), flags.json);
    case 'exemptions':
      return printExemptions(engine, actorId, needs('USER_ID'), flags.json);
    default:
      return printSearch(engine, actorId, needs('TEXT to look for in names and e-mails'), flags.json);
  }
}
