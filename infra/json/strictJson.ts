import { visit } from 'jsonc-parser';

/**
 * R28 at every entry point: payloads are valid UTF-8 JSON without duplicate keys. A lenient decoder would store
 * U+FFFD in place of broken bytes, and with duplicate keys the last one wins here while a gateway that reads the first
 * may have authorised another actor; both are refused instead.
 */
export type StrictJson = { ok: true; value: unknown } | { ok: false; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Bytes to text, refusing any byte sequence that is not UTF-8 (overlong forms and lone surrogates included). */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, message: 'is not valid UTF-8: send text encoded as UTF-8' };
  }
}

/** Messages read after their subject ("the payload …", "line 3 …"). */

/** JSON.parse, then a scan for an object that names a key twice (reported with its path). */
export function parseStrictJson(text: string): StrictJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `is not valid JSON: ${(error as Error).message}` };
  }
  const duplicate = duplicateKey(text);
  return duplicate === undefined
    ? { ok: true, value }
    : { ok: false, message: `names the key "${duplicate.key}" twice in ${duplicate.at}: give each key once` };
}

function duplicateKey(text: string): { key: string; at: string } | undefined {
  // Only objects with two or more keys can repeat one; the scan is linear and allocates a set per object.
  const open: Set<string>[] = [];
  let found: { key: string; at: string } | undefined;
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
        const keys = open[open.length - 1];
        if (keys?.has(property) && found === undefined) {
          const path = pathSupplier().join('.');
          found = { key: property, at: path === '' ? 'the top-level object' : `the object at ${path}` };
        }
        keys?.add(property);
      },
      onObjectEnd: () => {
        open.pop();
      },
    },
    { disallowComments: true },
  );
  return found;
}
