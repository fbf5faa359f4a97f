import { z } from 'zod';

/** The background loops whose work can be parked (R29). */
export const BackgroundLoopSchema = z.enum(['reactor', 'projections', 'relay', 'scheduler']);
export type BackgroundLoop = z.infer<typeof BackgroundLoopSchema>;

/**
 * R29: a piece of background work that kept failing for a reason other than an outage, recorded so it can be listed
 * and retried, while the work behind it goes on.
 */
export const ParkedWorkSchema = z.object({
  /** Unique per piece of work: its loop, its trigger event, and the user it concerns where it concerns one. */
  key: z.string(),
  loop: BackgroundLoopSchema,
  /** The log position of the event the work answers. */
  position: z.number().int().min(0),
  eventId: z.string().nullable(),
  /** The stream of that event: a retry reads the event there by its id (positions of some stores have gaps). */
  stream: z.string().optional(),
  eventType: z.string().nullable(),
  userId: z.string().nullable(),
  /** What the work was, in a sentence. */
  description: z.string(),
  error: z.string(),
  attempts: z.number().int().min(1),
  parkedAt: z.string(),
  /** What a retry runs again (a reaction's per-user work), when the loop can run it on its own. */
  work: z.unknown().optional(),
});
export type ParkedWork = z.infer<typeof ParkedWorkSchema>;

/** A retry that did not clear the work: when, and why it failed again. */
export const ParkedWorkRetrySchema = z.object({ key: z.string(), retriedAt: z.string(), error: z.string() });

/** Parked work no longer needs anyone: retried successfully, or made moot (by a rebuild). */
export const ParkedWorkResolvedSchema = z.object({ key: z.string(), resolvedAt: z.string(), how: z.string() });

/** Where parked work is recorded durably; listed by `lms parked` and `lms status`, cleared by `lms retry`. */
export interface ParkedWorkLog {
  /** Records the work as parked, in one append; work parked already (by key) is not recorded again. */
  park(works: readonly ParkedWork[]): Promise<void>;
  /** Parked work not yet resolved, oldest first, with the last retry's error where one failed. */
  list(): Promise<(ParkedWork & { lastRetry?: { retriedAt: string; error: string } })[]>;
  retried(key: string, error: string): Promise<void>;
  resolve(key: string, how: string): Promise<void>;
}
