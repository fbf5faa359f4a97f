import type { JetStreamClient, NatsConnection } from 'nats';
import { connect, Events } from 'nats';
import type { Logger } from 'pino';
import { canonicalCommandId } from '../../domain/commands';
import type { Clock } from '../../handlers/ports/clock';
import type { EventStore } from '../../handlers/ports/eventStore';
import {
  EventStoreAccessDeniedError,
  EventStoreCorruptError,
  EventStoreUnavailableError,
} from '../../handlers/ports/eventStore';
import type { CommandReply } from '../../handlers/ports/reply';
import { boundReply } from '../../handlers/replyBounds';
import type { Config } from '../config';
import { buildEngine } from '../engine/buildEngine';
import type { Engine } from '../engine/engine';
import { engineStatus } from '../engine/engineStatus';
import { CommandIntake } from '../nats/commandIntake';
import { EventRelay } from '../nats/eventRelay';
import { ensureJetStream, jetStreamSetUpError } from '../nats/jetstreamSetup';
import type { NatsConfig } from '../nats/natsConfig';
import { connectionOptions } from '../nats/natsConfig';
import { RequestService } from '../nats/requestService';
import type { Subjects } from '../nats/subjects';
import { subjectsFor } from '../nats/subjects';
import { BackgroundLoop } from './backgroundLoop';
import { EngineMetrics } from './engineMetrics';
import { NewEventWatch } from './newEventWatch';
import { RelayThread } from './relayThread';
import { retryAtStart } from './retryAtStart';

/** How far behind the reactor's and the relay's checkpoints may lag under load (both redo harmlessly after a crash). */
const CHECKPOINT_INTERVAL_MS = 1000;
/** With a store that pushes new events, idle loops look for work only this often (a safety net; the watch wakes them). */
const PUSHED_STORE_IDLE_MS = 30_000;

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
  private metrics: EngineMetrics | undefined;
  /** The port Prometheus scrapes, when metrics are on. */
  metricsPort: number | undefined;
  private nc: NatsConnection | undefined;
  private requests: RequestService | undefined;
  private intake: CommandIntake | undefined;
  private relay: EventRelay | undefined;
  private relayThread: RelayThread | undefined;
  private stopping = false;
  private newEventWatch: NewEventWatch | undefined;

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
      integrityCheck: true,
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
    const handlers = this.requestHandlers(instance);
    await this.pingStore();
    await this.startNewEventWatch();
    this.startLoops();
    this.nc = await connect(connectionOptions(nats, instance));
    void this.watchStatus(this.nc, logger);
    await this.setUpJetStream(this.nc, subjects);
    const js = this.nc.jetstream();
    this.startRelay(js, subjects, instance);
    this.requests = new RequestService(this.nc, subjects, handlers, {
      maxPayload: nats.LMS_MAX_PAYLOAD,
      logger,
      version: '0.1.0',
    });
    await this.requests.start();
    this.exitWhenDeaf(this.requests);
    this.intake = new CommandIntake(js, subjects, handlers.command, {
      maxPayload: nats.LMS_MAX_PAYLOAD,
      maxDeliver: nats.LMS_MAX_DELIVER,
      logger,
      afterCommand: () => this.nudge(),
      ...(this.metrics ? { onRedelivery: () => this.metrics?.redeliveries.inc() } : {}),
      firstReply: async (commandId) => {
        const first = await this.store.findCommand(canonicalCommandId(commandId));
        return first ? boundReply(first.reply as CommandReply) : undefined;
      },
    });
    await this.intake.start();
    await this.startMetrics();
    logger.info(
      { instance, prefix: config.LMS_PREFIX, servers: nats.NATS_URL.split(',').map(redactUrl) },
      'engine serving',
    );
  }

  private nudge(): void {
    for (const loop of this.loops) loop.nudge();
  }

  /** Commands, queries and health, measured when metrics are on. */
  private requestHandlers(instance: string) {
    const { config, clock } = this.options;
    const status = () => engineStatus(this.engine, clock.now(), { relay: true, scheduled: true });
    const metrics = config.LMS_METRICS_PORT === undefined ? undefined : (this.metrics = new EngineMetrics(status));
    return {
      command: async (input: unknown): Promise<CommandReply> => {
        const run = () => this.engine.commands.handle(input);
        try {
          const reply = metrics ? await metrics.command(input, run) : await run();
          this.nudge();
          return reply;
        } catch (error) {
          // R30: a damaged log stops the engine, named in the log; its supervisor must not restart into it blindly.
          if (error instanceof EventStoreCorruptError) this.options.onFatal?.(error);
          throw error;
        }
      },
      query: (input: unknown) => {
        const run = () => this.engine.queries.handle(input);
        return metrics ? metrics.query(input, run) : run();
      },
      health: async () => {
        const now = await status();
        return { ok: now.problems.length === 0, instance, ...now };
      },
    };
  }

  /**
   * How often an idle loop looks for work other processes stored: every 100 ms, but with a store that pushes new
   * events, whose watch nudges the loops, only as a safety net.
   */
  private idleIntervalMs(): number {
    return this.store.pushesNewEvents ? PUSHED_STORE_IDLE_MS : (this.options.pollIntervalMs ?? 100);
  }

  /**
   * A store server is asked once at start: refused credentials stop the start at once with their reason (waiting
   * cannot help); an outage is waited out with backoff for about 20 s, the log saying so, then the start fails.
   */
  private async pingStore(): Promise<void> {
    const ping = this.store.ping?.bind(this.store);
    if (!ping) return;
    await retryAtStart(ping, {
      logger: this.options.logger,
      waiting: 'event store unavailable at start; waiting for it',
      retryable: (error) =>
        error instanceof EventStoreUnavailableError && !(error instanceof EventStoreAccessDeniedError),
    });
  }

  /** With a store that pushes new events: the loops are woken by them (see NewEventWatch), not by polling. */
  private async startNewEventWatch(): Promise<void> {
    if (!this.store.pushesNewEvents) return;
    const from = await this.store.headPosition();
    this.newEventWatch = new NewEventWatch(this.store, () => this.nudge(), this.options.logger);
    this.newEventWatch.start(from);
  }

  /** The reactor and the projections, nudged after every command; the scheduler, which looks at the clock. */
  private startLoops(): void {
    const { logger } = this.options;
    const onFatal = (error: Error) => this.options.onFatal?.(error);
    const intervalMs = this.idleIntervalMs();
    this.loops.push(
      new BackgroundLoop('reactor', () => this.engine.reactor.runUntilIdle(), { intervalMs, logger, onFatal }),
      new BackgroundLoop('projections', () => this.engine.projections.catchUp(), { intervalMs, logger, onFatal }),
    );
    for (const loop of this.loops) loop.start();
    this.schedulerLoop = new BackgroundLoop('scheduler', () => this.engine.scheduler.runDue(), {
      intervalMs: this.options.schedulerIntervalMs ?? 30_000,
      logger,
      onFatal,
    });
    this.schedulerLoop.start();
  }

  /**
   * Creates or updates the JetStream streams; while NATS is restarting (or its JetStream still starting) the set-up is
   * tried again with backoff for about 20 s, the log saying it waits for NATS; then the start fails with NATS's reason.
   */
  private async setUpJetStream(nc: NatsConnection, subjects: Subjects): Promise<void> {
    const { nats, logger } = this.options;
    const settings = {
      maxPayload: nats.LMS_MAX_PAYLOAD,
      maxDeliver: nats.LMS_MAX_DELIVER,
      ackWaitSeconds: nats.LMS_ACK_WAIT_SECONDS,
      replicas: nats.LMS_JS_REPLICAS,
    };
    await retryAtStart(async () => ensureJetStream(await nc.jetstreamManager(), subjects, settings), {
      logger,
      waiting: 'NATS JetStream set-up failed; waiting for NATS',
      retryable: () => true,
      asError: jetStreamSetUpError,
    });
  }

  private startRelay(js: JetStreamClient, subjects: Subjects, instance: string): void {
    const { config, nats, logger, clock } = this.options;
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
          now: () => clock.now(),
        }));
    const relayLoop = new BackgroundLoop('event-relay', () => relay.relay(), {
      intervalMs: this.idleIntervalMs(),
      logger,
    });
    this.loops.push(relayLoop);
    relayLoop.start();
  }

  /**
   * The NATS services library stops a service by itself on an endpoint error: an engine that cannot hear requests
   * must not look healthy. The owner (lms serve) exits so a supervisor restarts it.
   */
  private exitWhenDeaf(requests: RequestService): void {
    void requests.stopped?.then((error) => {
      if (this.stopping) return;
      this.options.logger.error({ err: error?.message ?? 'stopped' }, 'request service stopped by itself');
      this.options.onFatal?.(error ?? new Error('request service stopped'));
    });
  }

  private async startMetrics(): Promise<void> {
    const { config, logger } = this.options;
    if (!this.metrics || config.LMS_METRICS_PORT === undefined) return;
    this.metricsPort = await this.metrics.listen(config.LMS_METRICS_PORT, config.LMS_METRICS_HOST);
    logger.info({ port: this.metricsPort, host: config.LMS_METRICS_HOST }, 'metrics on /metrics');
  }

  /** Graceful stop: no new work, finish what is in hand, publish what is stored, drain NATS, close the stores. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.intake?.stop();
    await this.requests?.stop();
    await this.newEventWatch?.stop();
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
    await this.metrics?.close();
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
