/** JSON in and out of NATS messages, with the size limit checked before parsing. */

import { decodeUtf8, parseStrictJson } from '../json/strictJson';

const encoder = new TextEncoder();

export type Decoded = { ok: true; value: unknown } | { ok: false; message: string };

export function decodeJson(data: Uint8Array, maxBytes: number): Decoded {
  if (data.length > maxBytes)
    return {
      ok: false,
      message: `the payload is ${data.length} bytes, over the limit of ${maxBytes} bytes (LMS_MAX_PAYLOAD): split the work into smaller commands`,
    };
  if (data.length === 0) return { ok: false, message: 'the payload is empty: send a JSON object' };
  const text = decodeUtf8(data);
  if (!text.ok) return { ok: false, message: `the payload ${text.message}` };
  const parsed = parseStrictJson(text.text);
  return parsed.ok ? parsed : { ok: false, message: `the payload ${parsed.message}` };
}

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function validationFailure(commandId: string | null, message: string) {
  return { ok: false as const, commandId, error: { code: 'VALIDATION_FAILED' as const, message, details: {} } };
}
