import type { CommandReply, QueryReply } from '../../handlers/ports/reply';
import type { Engine } from '../engine/engine';

/**
 * What the HTTP transport asks of the engine: the same command handler and query handler as NATS (so every answer
 * is authorised against the actor's grants exactly as there, R17), and the reference data it needs to name users.
 */
export interface HttpBackend {
  command(input: unknown): Promise<CommandReply>;
  query(input: unknown): Promise<QueryReply>;
  /** The user registered with this e-mail (the proxy's X-Forwarded-Email), if any. */
  emailOwner(email: string): Promise<string | undefined>;
  /** The portal's time zone: an as-of date is the end of that day there. */
  portalTimeZone(): Promise<string>;
  now(): Date;
}

/**
 * `embedded` (`lms web`): a command's reply comes once its reactions are stored and projected (`Engine.send`), as in
 * the CLI. `served` (`lms serve --http`): the background loops do that; pages read with the reply's position.
 */
export function backendOf(engine: Engine, mode: 'embedded' | 'served', now: () => Date): HttpBackend {
  const referenceData = async () => {
    await engine.commands.feed.catchUp();
    return engine.commands.referenceData;
  };
  return {
    command: (input) => (mode === 'embedded' ? engine.send(input) : engine.commands.handle(input)),
    query: (input) => engine.queries.handle(input),
    emailOwner: async (email) => (await referenceData()).emailOwner(email),
    portalTimeZone: async () => (await referenceData()).preferences.timeZone,
    now,
  };
}
