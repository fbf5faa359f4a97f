import fs from 'node:fs';

export type InputItem = { ok: true; value: unknown; line: number } | { ok: false; line: number; message: string };

/**
 * Reads commands or queries given as an argument, a file (-f FILE) or standard input ("-"): one JSON value,
 * a JSON array, or JSON lines (one value per line; blank lines skipped).
 */
export function readJsonInput(source: { inline?: string | undefined; file?: string | undefined }): InputItem[] {
  const text =
    source.inline ??
    (source.file === undefined || source.file === '-'
      ? fs.readFileSync(0, 'utf8')
      : fs.readFileSync(source.file, 'utf8'));
  const trimmed = text.trim();
  if (trimmed === '')
    return [{ ok: false, line: 1, message: 'no input: give a JSON command, -f FILE, or JSON on standard input' }];
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole)
      ? whole.map((value, i) => ({ ok: true, value, line: i + 1 }))
      : [{ ok: true, value: whole, line: 1 }];
  } catch {
    // Not one JSON value: JSON lines.
  }
  const items: InputItem[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      items.push({ ok: true, value: JSON.parse(line) as unknown, line: index + 1 });
    } catch (error) {
      items.push({
        ok: false,
        line: index + 1,
        message: `line ${index + 1} is not valid JSON: ${(error as Error).message}`,
      });
    }
  });
  return items;
}
