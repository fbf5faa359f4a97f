import type { ManualClock } from '../../../handlers/ports/clock';
import type { CommandEffects, CommandReply, UsersAffected } from '../../../handlers/ports/reply';
import { newCommandId } from '../../commandIds';
import type { Engine } from '../../engine/engine';

/** The demo's administrator: the bootstrap admin of its fresh data folder. */
export const ADMIN = 'admin';

/**
 * Runs the demo's commands and queries against one engine on a manual clock, printing each step as an admin sees
 * it and counting what went wrong unexpectedly (the demo's exit status).
 */
export class DemoScript {
  unexpected = 0;

  constructor(
    readonly engine: Engine,
    readonly clock: ManualClock,
  ) {}

  chapter(title: string): void {
    console.log(`\n${'═'.repeat(title.length)}\n${title}\n${'═'.repeat(title.length)}`);
  }

  /** Setup that is not part of the story: printed only if it fails. */
  async quietly(type: string, data: unknown): Promise<void> {
    const reply = await this.send(type, data, ADMIN);
    if (!reply.ok) this.fail(`${type}: ${reply.error.message}`);
  }

  /** One step of the story: its title, then the engine's reply (refusals are part of the story). */
  async step(title: string, type: string, data: unknown, actor = ADMIN, reason?: string): Promise<void> {
    console.log(`\n▶ ${title}  [${this.clock.now().slice(0, 10)}, ${type} by ${actor}]`);
    const reply = await this.send(type, data, actor, reason);
    if (reply.ok) {
      console.log(`  ✓ ${reply.message}`);
      for (const warning of reply.warnings) console.log(`  ! ${warning}`);
    } else {
      console.log(`  ✗ ${reply.error.code}: ${reply.error.message}`);
    }
  }

  /** R25: a command previewed (dryRun): what it would do to whose training, nothing stored. */
  async preview(title: string, type: string, data: unknown, actor = ADMIN): Promise<void> {
    console.log(`\n▶ ${title}  [${this.clock.now().slice(0, 10)}, ${type} previewed by ${actor}]`);
    const reply = await this.engine.send({
      commandId: newCommandId(),
      type,
      actor: { userId: actor },
      data,
      dryRun: true,
    });
    if (!reply.ok) {
      console.log(`  ✗ ${reply.error.code}: ${reply.error.message}`);
      return;
    }
    console.log(`  ✓ ${reply.message}`);
    if (reply.effects) for (const line of effectLines(reply.effects)) console.log(`    ${line}`);
  }

  fail(message: string): void {
    this.unexpected++;
    console.log(`  !! unexpected: ${message}`);
  }

  /** A per-user view queried as the admin; undefined (and counted) when refused. */
  async view<T>(type: string, userId: string): Promise<T[] | undefined> {
    const reply = await this.engine.query({ type, actor: { userId: ADMIN }, params: { userId } });
    if (!reply.ok) {
      this.fail(reply.error.message);
      return undefined;
    }
    return reply.result as T[];
  }

  private async send(type: string, data: unknown, actor: string, reason?: string): Promise<CommandReply> {
    return this.engine.send({
      commandId: newCommandId(),
      type,
      actor: { userId: actor },
      data,
      ...(reason ? { reason } : {}),
    });
  }
}

/** A preview's effects in sentences: who would gain, lose, move version, be exempted, or stay out of reach. */
function effectLines(effects: CommandEffects): string[] {
  const named = (users: UsersAffected) =>
    `${users.count} ${users.count === 1 ? 'user' : 'users'}${users.count > 0 ? ` (${users.first.join(', ')}${users.count > users.first.length ? ', …' : ''})` : ''}`;
  return [
    `would gain the training: ${named(effects.gaining)}`,
    ...(effects.losing.count > 0 ? [`would lose it: ${named(effects.losing)}`] : []),
    ...(effects.upgraded.count > 0 ? [`would move to another version: ${named(effects.upgraded)}`] : []),
    ...(effects.exempted.count > 0 ? [`would be exempted: ${named(effects.exempted)}`] : []),
    `outside your scope, not reached: ${named(effects.outsideScope)}`,
  ];
}
