/**
 * Plays a generated history (arbitraries.ts) on a fresh embedded engine and keeps what the invariants need: every
 * envelope sent, its reply, and the store's head before and after it.
 */

import type { Assignment } from '../../domain/userTraining/trainingState';
import type { CommandReply } from '../../handlers/ports/reply';
import { MemoryEventStore } from '../../infra/eventstore/memoryEventStore';
import type { Harness } from '../support/engineHarness';
import { engineHarness } from '../support/engineHarness';
import { asConfiguredPort } from '../support/minimalEventStore';
import type { CoursePick, Step } from './arbitraries';
import { describeStep, START, seedHistoryPortal } from './arbitraries';

export interface SentCommand {
  step: string;
  envelope: ReturnType<Harness['envelope']>;
  reply: CommandReply;
  headBefore: number;
  headAfter: number;
  /** A redelivery of an earlier command of the run (R21): its first reply is `firstReply`. */
  redelivery?: { firstReply: CommandReply };
}

export interface PlayedHistory {
  h: Harness;
  sent: SentCommand[];
  /** Head after the seed, before the generated steps. */
  seededAt: number;
}

const isPick = (value: unknown): value is CoursePick => typeof value === 'object' && value !== null && '$pick' in value;

/** Replaces each course pick with a course the user holds now (or c-std when they hold none). */
async function resolvePicks(h: Harness, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const userId = typeof data.userId === 'string' ? data.userId : undefined;
  const picks =
    isPick(data.courseId) ||
    (Array.isArray(data.exemptions) && data.exemptions.some((tick: { courseId?: unknown }) => isPick(tick.courseId)));
  if (!picks || userId === undefined) return data;
  const active = [...(await h.training(userId)).assignments.values()]
    .filter((assignment) => assignment.active)
    .sort((a, b) => a.courseId.localeCompare(b.courseId));
  const narrowings: Record<CoursePick['prefer'], ((assignment: Assignment) => boolean)[]> = {
    any: [],
    exemptable: [
      (a) => a.sources.every((source) => source.ruleId !== null) && a.sources.some((source) => !source.exempt),
      (a) => a.sources.some((source) => source.ruleId !== null),
    ],
    hidden: [(a) => a.sources.every((source) => source.exempt), (a) => a.sources.some((source) => source.exempt)],
  };
  const resolve = (value: unknown): unknown => {
    if (!isPick(value)) return value;
    const candidates =
      narrowings[value.prefer].map((keep) => active.filter(keep)).find((narrowed) => narrowed.length > 0) ?? active;
    return candidates.length === 0 ? 'c-std' : (candidates[value.$pick % candidates.length] as Assignment).courseId;
  };
  return {
    ...data,
    ...('courseId' in data ? { courseId: resolve(data.courseId) } : {}),
    ...(Array.isArray(data.exemptions)
      ? {
          exemptions: data.exemptions.map((tick: Record<string, unknown>) => ({
            ...tick,
            courseId: resolve(tick.courseId),
          })),
        }
      : {}),
  };
}

/** Runs on the in-memory store: the same semantics as SQLite (one contract suite), a fraction of the cost per run. */
export async function playHistory(steps: readonly Step[]): Promise<PlayedHistory> {
  const h = engineHarness({ store: asConfiguredPort(new MemoryEventStore()), now: START });
  await seedHistoryPortal(h);
  const seededAt = await h.store.headPosition();
  const sent: SentCommand[] = [];
  for (const step of steps) {
    if (step.kind === 'advance') {
      h.clock.set(new Date(Date.parse(h.clock.now()) + step.hours * 3_600_000).toISOString());
      continue;
    }
    if (step.kind === 'redeliver') {
      const first = sent.filter((entry) => !entry.redelivery).at(-step.back);
      if (!first) continue;
      const headBefore = await h.store.headPosition();
      const reply = await h.engine.send(first.envelope);
      sent.push({
        step: `redeliver ${first.step}`,
        envelope: first.envelope,
        reply,
        headBefore,
        headAfter: await h.store.headPosition(),
        redelivery: { firstReply: first.reply },
      });
      continue;
    }
    const data = await resolvePicks(h, step.data);
    const envelope = h.envelope(step.type, data, { actor: step.actor });
    const headBefore = await h.store.headPosition();
    const reply = await h.engine.send(envelope);
    sent.push({
      step: describeStep({ ...step, data }),
      envelope,
      reply,
      headBefore,
      headAfter: await h.store.headPosition(),
    });
  }
  return { h, sent, seededAt };
}
