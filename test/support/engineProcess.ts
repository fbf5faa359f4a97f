import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository's root: this file runs from test/support (jest) or dist/test/support (the soak). */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.join(from, '..', '..');
  }
}

export const CLI = path.join(repositoryRoot(__dirname), 'dist', 'infra', 'cli', 'main.js');

/** `lms serve` as a real child process on a data folder, for crash tests: started, waited for, killed. */
export class EngineProcess {
  private log = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
  }

  static spawn(data: string, env: Record<string, string>): EngineProcess {
    const child = spawn(process.execPath, [CLI, 'serve', '--data', data], {
      env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root', LMS_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new EngineProcess(child);
  }

  get output(): string {
    return this.log;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the engine logs that it serves; rejects if it exits first. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.log.includes('"msg":"engine serving"')) {
      if (!this.running) throw new Error(`lms serve exited before serving:\n${this.log}`);
      if (Date.now() > deadline) throw new Error(`lms serve not serving within ${timeoutMs} ms:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends a signal and waits for the process to be gone. */
  async stop(signal: NodeJS.Signals): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    return exited;
  }
}

/** Runs an `lms` verb to completion (verify, rebuild) and returns its exit status and output. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', LMS_BOOTSTRAP_ADMIN: 'root', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
