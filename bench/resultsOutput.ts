import os from 'node:os';
import { renderTable } from '../infra/cli/table';
import type { Result } from './measure';
import { round } from './measure';

/** Prints the bench's results with the machine they ran on: a table for BENCHMARKS.md, or JSON with `--json`. */
export function printResults(options: { json: boolean; quick: boolean; users: number }, results: Result[]): void {
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  if (options.json) {
    console.log(JSON.stringify({ machine, quick: options.quick, users: options.users, results }, null, 2));
  } else {
    console.log(
      `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}`,
    );
    console.log(
      renderTable(
        ['workload', 'size', 'figures', 'service level', 'met'],
        results.map((r) => [
          r.workload,
          r.size,
          Object.entries(r.figures)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          r.target,
          r.met === 'n/a' ? '' : r.met ? 'yes' : 'NO',
        ]),
      ),
    );
  }
}
