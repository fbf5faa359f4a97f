import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A command id derived from what the command says (issue #17: a rerun of the same file stores nothing twice, R21):
 * 26 Crockford base32 characters taken from a sha256 of the parts, shaped as a ULID so the envelope schema accepts it
 * (the first character carries 3 bits, so it is 0-7 like a ULID's timestamp). The same parts give the same id on
 * every machine and every run; different parts give different ids (130 bits of the hash).
 */
export function derivedCommandId(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}\u0000`);
  const bytes = hash.digest();
  let bits = 0n;
  for (const byte of bytes.subarray(0, 17)) bits = (bits << 8n) | BigInt(byte);
  // 136 bits read; keep 3 + 25 × 5 = 128.
  bits >>= 8n;
  let id = '';
  for (let i = 0; i < 25; i++) {
    id = CROCKFORD[Number(bits & 31n)] + id;
    bits >>= 5n;
  }
  return CROCKFORD[Number(bits & 7n)] + id;
}

/** JSON with the keys sorted, so the same content always reads the same (the normalised form of a row). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}
