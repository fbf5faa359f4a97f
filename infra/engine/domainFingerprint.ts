import { hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The identity of the code that folds aggregate states: a hash of every code file of `domain/` and of the handlers
 * that fold (`aggregateKinds`, `aggregateStore`), as this process runs them (compiled or not; source maps and
 * declarations left out). A snapshot records the one it was folded under and is read only under the same
 * (handlers/aggregateStore.ts): after an upgrade that changes any of that code, states are folded from the events
 * again and new snapshots written, so a rule fixed in `evolve` is never hidden behind a snapshot folded by the old
 * one. Computed once per process; undefined when the files cannot be read (the code bundled some other way): then
 * the engine keeps no snapshots rather than guess.
 */
export function domainFingerprint(): string | undefined {
  if (fingerprint === null) {
    try {
      fingerprint = computeFingerprint();
    } catch {
      fingerprint = undefined;
    }
  }
  return fingerprint;
}

let fingerprint: string | undefined | null = null;

function computeFingerprint(): string {
  const root = path.resolve(__dirname, '..', '..');
  const handlers = path.join(root, 'handlers');
  const files = [
    ...filesUnder(path.join(root, 'domain')),
    ...fs
      .readdirSync(handlers)
      .filter((name) => name.startsWith('aggregateKinds.') || name.startsWith('aggregateStore.'))
      .map((name) => path.join(handlers, name)),
  ]
    .filter((file) => /\.[jt]s$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
  const digest = files.map((file) => `${path.relative(root, file)}:${hash('sha1', fs.readFileSync(file), 'hex')}`);
  return hash('sha256', digest.join('\n'), 'hex').slice(0, 16);
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}
