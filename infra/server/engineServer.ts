import type { NatsConnection } from 'nats';
import { connect, Events } from 'nats';
import type { Logger } from 'pino';
import type { Clock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import type { CommandReply } from '../../handlers/ports/reply';
import type { Config } from '../config';
import { buildEngine } from '../engine/buildEngine';
import type { Engine } from '../engine/engine';
import { CommandIntake } from '../nats/commandIntake';
import { EventRelay } from '../nats/eventRelay';
import { ensureJetStream } from '../nats/jetstreamSetup';
import type { NatsConfig } from '../nats/natsConfig';
import { connectionOptions } from '../nats/natsConfig';
import { RequestService } from '../nats/requestService';
import { subjectsFor } from '../nats/subjects';
import { BackgroundLoop } from './backgroundLoop';
import { RelayThread } from './relayThread';

/** How far behind the reactor's and the relay's checkpoints may lag under load (both redo harmlessly after a crash). */
const CHECKPOINT_INTERVAL_MS = 1000;

export interface EngineServerOptions {
  config: Config;
  nats: NatsConfig;
  clock: Clock;
  logger: Logger;
  /**
   * The event store to serve (defaults to the configured one), closed when the server stops; tests share one file
   * between instances.
   */
  store?: EventStore;
  /** Name of this instance in NATS and logs. */
  instance?: string;
  /** How often the background loops look for work stored by other processes. */
  pollIntervalMs?: number;
  /** How often the scheduler looks whether a zone's local date moved on (default 30 s): time moves by itself (R5). */
  schedulerIntervalMs?: number;
  /** Called when the server can no longer do its job (its request service stopped by itself). */
  onFatal?: (error: Error) => void;
}

/**
 * `lms serve`: the engine as a NATS service. Commands by request-reply and durably through JetStream, queries,
 * integration events; the reactor, the projections and the event relay run in the background.
 */
export class EngineServer {
  readonly engine: Engine;
  private readonly loops: BackgroundLoop[] = [];
  private schedulerLoop: BackgroundLoop | undefined;
  private nc: NatsConnection | undefined;
  private requests: RequestService | undefined;
  private intake: CommandIntake | undefined;
  private relay: EventRelay | undefined;
  private relayThread: RelayThread | undefined;
  private stopping = false;

  /** The store can be opened again by other threads (projections and the relay then run there). */
  private readonly shareable: boolean;

  constructor(private readonly options: EngineServerOptions) {
    const { config, clock, logger } = options;
    // A store the configuration opens can be opened again by worker threads: projections and the relay then use the
    // second core. A store handed in (tests) or held in memory is projected and relayed here.
    this.shareable = options.store === undefined && config.EVENT_STORE !== 'memory';
    this.engine = buildEngine({
      config,
      clock,
      logger,
      mode: 'served',
      ...(options.store ? { store: options.store } : {}),
      projectionThread: true,
      reactor: { checkpointIntervalMs: CHECKPOINT_INTERVAL_MS },
    });
  }

  get store(): EventStore {
    return this.engine.store;
  }

  get connection(): NatsConnection | undefined {
    return this.nc;
  }

  /** Starts serving; if any step fails, whatever was started is stopped again before the error is thrown. */
  async start(): Promise<void> {
    try {
      await this.startServing();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  private async startServing(): Promise<void> {
    const { config, nats, logger } = this.options;
    const instance = this.options.instance ?? `lms-engine-${process.pid}`;
    const subjects = subjectsFor(config.LMS_PREFIX);
    const intervalMs = this.options.pollIntervalMs ?? 100;
    const reactorLoop = new BackgroundLoop('reactor', () => this.engine.reactor.runUntilIdle(), { intervalMs, logger });
    const projectionLoop = new BackgroundLoop('projections', () => this.engine.projections.catchUp(), {
      intervalMs,
      logger,
    });
    this.loops.push(reactorLoop, projectionLoop);
    const nudge = () => this.loops.forEach((loop) => loop.nudge());
    const handleCommand = async (input: unknown): Promise<CommandReply> => {
      const reply = await this.engine.commands.handle(input);
      nudge();
      return reply;
    };

    this.nc = await connect(connectionOptions(nats, instance));
    void this.watchStatus(this.nc, logger);
    await ensureJetStream(await this.nc.jetstreamManager(), subjects, {
      maxPayload: nats.LMS_MAX_PAYLOAD,
      maxDeliver: nats.LMS_MAX_DELIVER,
      ackWaitSeconds: nats.LMS_ACK_WAIT_SECONDS,
      replicas: nats.LMS_JS_REPLICAS,
    });
    const js = this.nc.jetstream();
    const relay: RelayThread | EventRelay = this.shareable
      ? (this.relayThread = new RelayThread({
          config,
          nats,
          connectionName: `${instance}-relay`,
          logLevel: config.LMS_LOG_LEVEL ?? logger.level,
          checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
        }))
      : (this.relay = new EventRelay(this.store, js, subjects, {
          logger,
          checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
          parked: this.engine.parked,
          now: () => this.options.clock.now(),
        }));
    this.loops.push(new BackgroundLoop('event-relay', () => relay.relay(), { intervalMs, logger }));
    this.loops.forEach((loop) => loop.start());
    // Not nudged by commands: it looks at the clock, not at the log.
    this.schedulerLoop = new BackgroundLoop('scheduler', () => this.engine.scheduler.runDue(), {
      intervalMs: this.options.schedulerIntervalMs ?? 30_000,
      logger,
    });
    this.schedulerLoop.start();
    this.requests = new RequestService(
      this.nc,
      subjects,
      { command: handleCommand, query: (input) => this.engine.queries.handle(input) },
      { maxPayload: nats.LMS_MAX_PAYLOAD, logger, version: '0.1.0' },
    );
    await this.requests.start();
    const requests = this.requests;
    void requests.stopped?.then((error) => {
      // The NATS services library stops a service by itself on an endpoint error: an engine that cannot hear
      // requests must not look healthy. The owner (lms serve) exits so a supervisor restarts it.
      if (this.stopping) return;
      logger.error({ err: error?.message ?? 'stopped' }, 'request service stopped by itself');
      this.options.onFatal?.(error ?? new Error('request service stopped'));
    });
    this.intake = new CommandIntake(js, subjects, handleCommand, {
      maxPayload: nats.LMS_MAX_PAYLOAD,
      maxDeliver: nats.LMS_MAX_DELIVER,
      logger,
      afterCommand: nudge,
    });
    await this.intake.start();
    logger.info(
      { instance, prefix: config.LMS_PREFIX, servers: nats.NATS_URL.split(',').map(redactUrl) },
      'engine serving',
    );
  }

  /** Graceful stop: no new work, finish what is in hand, publish what is stored, drain NATS, close the stores. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.intake?.stop();
    await this.requests?.stop();
    await Promise.all([...this.loops, ...(this.schedulerLoop ? [this.schedulerLoop] : [])].map((loop) => loop.stop()));
    await this.engine.reactor.flushCheckpoint().catch(() => undefined);
    await this.relayThread?.stop();
    if (this.nc && !this.nc.isClosed()) {
      await withTimeout(this.relay?.relay(), 5_000).catch(() => 0);
      await this.relay?.flushCheckpoint().catch(() => undefined);
      // While NATS is down a drain never completes: give it a bound, then close.
      await withTimeout(this.nc.drain(), 5_000).catch(() => undefined);
      if (!this.nc.isClosed()) await this.nc.close().catch(() => undefined);
    }
    await this.engine.close();
    // A store handed in is the server's from then on: it is closed with it.
    if (this.options.store) await this.options.store.close();
    this.options.logger.info('engine stopped');
  }

  private async watchStatus(nc: NatsConnection, logger: Logger): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect)
        logger.warn({ server: redactUrl(String(status.data)) }, 'NATS disconnected; reconnecting');
      if (status.type === Events.Reconnect) {
        logger.info({ server: redactUrl(String(status.data)) }, 'NATS reconnected');
        this.loops.forEach((loop) => loop.nudge());
      }
    }
  }
}

function withTimeout<T>(work: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!work) return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<undefined>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

/** Never log credentials that may sit in a URL. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
