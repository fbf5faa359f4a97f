import fs from 'node:fs';
import type { ConnectionOptions } from 'nats';
import { credsAuthenticator, nkeyAuthenticator } from 'nats';
import { z } from 'zod';
import { ConfigError } from '../config';

/**
 * NATS settings from the environment, validated at start with a message per mistake. Credentials come from
 * configuration only and are never logged.
 */
export const NatsConfigSchema = z
  .object({
    NATS_URL: z
      .string()
      .default('nats://127.0.0.1:4222')
      .refine((value) => value.split(',').every((url) => /^(nats|tls):\/\/[^\s]+$/.test(url.trim())), {
        error: 'NATS_URL is one or more nats://host:port (or tls://) URLs, comma-separated',
      }),
    NATS_USER: z.string().min(1).optional(),
    NATS_PASSWORD: z.string().min(1).optional(),
    NATS_TOKEN: z.string().min(1).optional(),
    /** An nkey seed (starts with SU), for nkey authentication. */
    NATS_NKEY_SEED: z
      .string()
      .regex(/^SU[A-Z2-7]{56}$/, 'NATS_NKEY_SEED is a user nkey seed (SU…, 58 characters)')
      .optional(),
    /** A .creds file (JWT + nkey seed). */
    NATS_CREDS_FILE: z.string().min(1).optional(),
    NATS_TLS_CA_FILE: z.string().min(1).optional(),
    NATS_TLS_CERT_FILE: z.string().min(1).optional(),
    NATS_TLS_KEY_FILE: z.string().min(1).optional(),
    /** Largest command or query payload the engine accepts, in bytes. */
    LMS_MAX_PAYLOAD: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(512 * 1024),
    /** Deliveries of a durable command before it is terminated as poison. */
    LMS_MAX_DELIVER: z.coerce.number().int().min(2).max(100).default(5),
    /** JetStream stream replicas: 1 on a single server, 3 in a cluster. */
    LMS_JS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
    /** Seconds JetStream waits for an ack before redelivering a durable command. */
    LMS_ACK_WAIT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  })
  .superRefine((config, context) => {
    const methods = [
      config.NATS_USER || config.NATS_PASSWORD ? 'user/password' : null,
      config.NATS_TOKEN ? 'token' : null,
      config.NATS_NKEY_SEED ? 'nkey' : null,
      config.NATS_CREDS_FILE ? 'creds file' : null,
    ].filter(Boolean);
    if (methods.length > 1)
      context.addIssue({
        code: 'custom',
        message: `choose one NATS authentication method, not ${methods.join(' and ')}`,
      });
    if (Boolean(config.NATS_USER) !== Boolean(config.NATS_PASSWORD))
      context.addIssue({ code: 'custom', message: 'NATS_USER and NATS_PASSWORD go together' });
    if (Boolean(config.NATS_TLS_CERT_FILE) !== Boolean(config.NATS_TLS_KEY_FILE))
      context.addIssue({
        code: 'custom',
        message: 'NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together (client certificate and its key)',
      });
    for (const key of ['NATS_CREDS_FILE', 'NATS_TLS_CA_FILE', 'NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE'] as const) {
      const file = config[key];
      if (file && !fs.existsSync(file))
        context.addIssue({ code: 'custom', message: `${key}: no file at ${file}`, path: [key] });
    }
  });
export type NatsConfig = z.infer<typeof NatsConfigSchema>;

export function loadNatsConfig(env: NodeJS.ProcessEnv): NatsConfig {
  const parsed = NatsConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(
      `invalid NATS configuration: ${parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ')}`,
    );
  }
  return parsed.data;
}

/** Connection options: reconnect forever with jittered backoff; authentication and TLS as configured. */
export function connectionOptions(config: NatsConfig, name: string): ConnectionOptions {
  const options: ConnectionOptions = {
    servers: config.NATS_URL.split(',').map((url) => url.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
    // No stack trace captured per request (two Error objects per JetStream publish: 10% of the engine's thread
    // under load); our errors name their subject and cause without it.
    noAsyncTraces: true,
  };
  if (config.NATS_USER) Object.assign(options, { user: config.NATS_USER, pass: config.NATS_PASSWORD });
  if (config.NATS_TOKEN) options.token = config.NATS_TOKEN;
  if (config.NATS_NKEY_SEED) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(config.NATS_NKEY_SEED));
  if (config.NATS_CREDS_FILE) options.authenticator = credsAuthenticator(fs.readFileSync(config.NATS_CREDS_FILE));
  if (config.NATS_TLS_CA_FILE || config.NATS_TLS_CERT_FILE) {
    options.tls = {
      ...(config.NATS_TLS_CA_FILE ? { caFile: config.NATS_TLS_CA_FILE } : {}),
      ...(config.NATS_TLS_CERT_FILE ? { certFile: config.NATS_TLS_CERT_FILE, keyFile: config.NATS_TLS_KEY_FILE } : {}),
    };
  }
  return options;
}
