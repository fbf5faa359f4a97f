import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { UsageError } from '../cli/usageError';
import type { Config } from '../config';
import { clockFrom, loadConfig } from '../config';
import { buildEngine } from '../engine/buildEngine';
import type { Engine } from '../engine/engine';
import { createLogger } from '../logger';
import { ApiTokenStore } from './apiTokens';
import { buildHttpApp } from './httpApp';
import { backendOf } from './httpBackend';
import { loadHttpSettings } from './httpSettings';

/**
 * `lms web [--data DIR] [--port N] [--host H]` (the console and API on the embedded store, no NATS),
 * `lms token create --user ID [--name N] | list | revoke ID`, and the HTTP server beside `lms serve --http PORT`.
 * main.ts hands these verbs over whole; their flags are parsed here.
 */
export const WEB_USAGE = `  web [--port N] [--host H]             the web console and HTTP API on the embedded store (no NATS); prints its URL
  token create --user ID [--name N] | token list | token revoke TOKEN_ID
                                        API tokens for the HTTP API and the console's sign-in (stored hashed)
  serve --http PORT                     also serve the HTTP API and console beside NATS`;

const VALUE_FLAGS = new Set(['--data', '--port', '--host', '--user', '--name', '--actor']);

/** Whether the first word that is not a flag or a flag's value is `web` or `token`. */
export function isWebVerb(argv: readonly string[]): boolean {
  const verb = argv.find((arg, index) => !arg.startsWith('-') && !VALUE_FLAGS.has(argv[index - 1] ?? ''));
  return verb === 'web' || verb === 'token';
}

export async function runWebVerb(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      user: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.data !== undefined && values.data.trim() === '') throw new UsageError('--data needs a folder');
  const config = loadConfig(process.env, values.data ? { LMS_DATA: values.data } : {});
  const [verb, ...rest] = positionals;
  if (verb === 'token') return token(config, rest, values);
  return web(config, values);
}

const dataDirOf = (config: Config) => (config.EVENT_STORE === 'memory' ? null : config.LMS_DATA);

function token(config: Config, rest: string[], values: { user?: string; name?: string; json: boolean }): number {
  const [action, id] = rest;
  const tokens = ApiTokenStore.open(dataDirOf(config));
  try {
    if (action === 'create') {
      if (!values.user) throw new UsageError('token create needs --user ID: the user the token speaks for');
      const made = tokens.create(values.user, values.name ?? 'api', new Date());
      console.log(values.json ? JSON.stringify({ token: made.token, ...made.info }) : made.token);
      if (!values.json)
        console.error(`token ${made.info.id} for ${made.info.userId}: shown once, keep it secret (stored hashed)`);
      return 0;
    }
    if (action === 'list') {
      const list = tokens.list();
      if (values.json) console.log(JSON.stringify(list));
      else
        for (const info of list)
          console.log(
            `${info.id}  ${info.userId}  ${info.name}  created ${info.createdAt}${info.revokedAt ? `  revoked ${info.revokedAt}` : ''}`,
          );
      return 0;
    }
    if (action === 'revoke') {
      if (!id) throw new UsageError('token revoke needs the TOKEN_ID that token list shows');
      if (tokens.revoke(id, new Date())) return 0;
      console.error(`lms: no live token has the id ${id}`);
      return 1;
    }
    throw new UsageError('token needs create, list or revoke');
  } finally {
    tokens.close();
  }
}

/** `lms web`: the embedded engine (as the CLI) behind HTTP until SIGTERM or SIGINT. */
async function web(config: Config, values: { port?: string; host?: string }): Promise<number> {
  const settings = loadHttpSettings(process.env, values);
  const logger = createLogger(config.LMS_LOG_LEVEL ?? 'info');
  const clock = clockFrom(config);
  const engine = buildEngine({ config, logger, clock });
  const tokens = ApiTokenStore.open(dataDirOf(config));
  const app = await buildHttpApp({
    backend: backendOf(engine, 'embedded', () => new Date(clock.now())),
    tokens,
    settings,
    logger,
  });
  try {
    await app.listen({ port: settings.LMS_HTTP_PORT, host: settings.LMS_HTTP_HOST });
    console.log(`lms web: ${urlOf(app.server.address(), settings.LMS_HTTP_HOST)}`);
    logger.info({ host: settings.LMS_HTTP_HOST }, 'web console serving');
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    return 0;
  } finally {
    await app.close();
    tokens.close();
    await engine.close();
  }
}

/** `lms serve --http PORT`: the HTTP API and console beside NATS, on the served engine. */
export async function startHttpBeside(
  engine: Engine,
  config: Config,
  port: string | undefined,
  logger: Logger,
): Promise<{ close(): Promise<void> } | undefined> {
  if (port === undefined) return undefined;
  const settings = loadHttpSettings(process.env, { port });
  const tokens = ApiTokenStore.open(dataDirOf(config));
  const clock = clockFrom(config);
  const app = await buildHttpApp({
    backend: backendOf(engine, 'served', () => new Date(clock.now())),
    tokens,
    settings,
    logger,
  });
  await app.listen({ port: settings.LMS_HTTP_PORT, host: settings.LMS_HTTP_HOST });
  logger.info({ url: urlOf(app.server.address(), settings.LMS_HTTP_HOST) }, 'http serving');
  return {
    close: async () => {
      await app.close();
      tokens.close();
    },
  };
}

function urlOf(address: ReturnType<import('node:net').Server['address']>, host: string): string {
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}
