import { z } from 'zod';
import type { QueryName } from '../../domain/queries';
import { queryParamSchemas } from '../../domain/queries';

/**
 * Query-string parameters to a query's `params`: a query string carries text only, so numbers and booleans are
 * turned into what the zod schema expects (by the JSON type each parameter has in its schema), and the query
 * handler then validates them with the same schema as on NATS. Text that is not a number or a boolean is left as it
 * is, so the schema refuses it with its own message (VALIDATION_FAILED).
 */
type ParamType = 'number' | 'integer' | 'boolean' | 'string' | 'other';

const typesByQuery = new Map<string, ReadonlyMap<string, ParamType>>();

export function paramTypesOf(name: QueryName): ReadonlyMap<string, ParamType> {
  const known = typesByQuery.get(name);
  if (known) return known;
  const schema = z.toJSONSchema(queryParamSchemas[name], { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { type?: unknown }>;
  };
  const types = new Map<string, ParamType>();
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const type = property.type;
    types.set(key, type === 'number' || type === 'integer' || type === 'boolean' || type === 'string' ? type : 'other');
  }
  typesByQuery.set(name, types);
  return types;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** The reserved names the transport reads itself and never passes on as params. */
export const TRANSPORT_PARAMS = new Set(['format', 'minPosition']);

export function paramsFromQueryString(
  name: QueryName,
  query: Record<string, string | string[] | undefined>,
): Record<string, unknown> {
  const types = paramTypesOf(name);
  const entries: [string, unknown][] = [];
  for (const [key, given] of Object.entries(query)) {
    if (given === undefined || TRANSPORT_PARAMS.has(key)) continue;
    // A parameter given twice is refused by the schema (an array where one value is expected), not silently cut.
    entries.push([key, Array.isArray(given) ? given : coerce(types.get(key), given)]);
  }
  // fromEntries defines own properties: a parameter named __proto__ is an ordinary (refused) key, never a prototype.
  return Object.fromEntries(entries);
}

function coerce(type: ParamType | undefined, text: string): unknown {
  if ((type === 'number' || type === 'integer') && NUMBER.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** `minPosition` from the query string: a whole number, or undefined; anything else is the caller's mistake. */
export function minPositionOf(text: unknown): number | undefined | 'invalid' {
  if (text === undefined) return undefined;
  return typeof text === 'string' && /^\d{1,15}$/.test(text) ? Number(text) : 'invalid';
}
