import { z } from 'zod';
import { ConfigError } from '../config';

/**
 * The HTTP transport's settings (issue #18), from the environment; `--host` and `--port` override. Loopback unless
 * configured. The proxy's headers are accepted only when a shared secret is configured and the request carries it.
 */
const header = z
  .string()
  .regex(/^[A-Za-z0-9-]+$/, 'a header name: letters, digits and -')
  .transform((name) => name.toLowerCase());

export const HttpSettingsSchema = z.object({
  LMS_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  LMS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The secret the authenticating proxy sends with every request; unset, proxy headers are refused (401). */
  LMS_PROXY_SECRET: z
    .string()
    .min(16, 'at least 16 characters (use 32 random bytes, e.g. openssl rand -hex 32)')
    .optional(),
  LMS_PROXY_SECRET_HEADER: header.default('x-lms-proxy-secret'),
  /** oauth2-proxy's convention: the user id, or (when absent) the e-mail of a registered user. */
  LMS_PROXY_USER_HEADER: header.default('x-forwarded-user'),
  LMS_PROXY_EMAIL_HEADER: header.default('x-forwarded-email'),
});
export type HttpSettings = z.infer<typeof HttpSettingsSchema>;

export function loadHttpSettings(
  env: NodeJS.ProcessEnv,
  overrides: { host?: string | undefined; port?: string | undefined } = {},
): HttpSettings {
  const given = Object.fromEntries(
    Object.entries({
      ...env,
      ...(overrides.host !== undefined ? { LMS_HTTP_HOST: overrides.host } : {}),
      ...(overrides.port !== undefined ? { LMS_HTTP_PORT: overrides.port } : {}),
    }).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = HttpSettingsSchema.safeParse(given);
  if (!parsed.success)
    throw new ConfigError(
      `invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  return parsed.data;
}
