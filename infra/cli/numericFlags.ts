import type { StatusThresholds } from '../engine/engineStatus';
import { UsageError } from './usageError';

/** Numeric CLI flags, checked: a bad value is a usage error, not a refused query. */

/** `--limit` and `--offset` of a paged view (summary, members): 100 a page unless told. */
export function pageOf(values: { limit?: string | undefined; offset?: string | undefined }): {
  limit: number;
  offset: number;
} {
  const limit = Number(values.limit ?? '100');
  const offset = Number(values.offset ?? '0');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit is a whole number from 1 to 1000');
  if (!Number.isInteger(offset) || offset < 0) throw new UsageError('--offset is a whole number from 0');
  return { limit, offset };
}

export function thresholdsOf(values: {
  'max-lag-events'?: string | undefined;
  'max-lag-seconds'?: string | undefined;
}): StatusThresholds {
  const maxLagEvents = Number(values['max-lag-events']);
  const maxLagSeconds = Number(values['max-lag-seconds']);
  if (!Number.isInteger(maxLagEvents) || maxLagEvents < 0) throw new UsageError('--max-lag-events is a whole number');
  if (!Number.isInteger(maxLagSeconds) || maxLagSeconds < 0)
    throw new UsageError('--max-lag-seconds is a whole number');
  return { maxLagEvents, maxLagSeconds };
}
