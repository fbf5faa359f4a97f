import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Without JetStream (a server still being configured); with the HTTP monitoring port (health checks). */
export interface LaunchOptions {
  jetStream?: boolean;
  monitorPort?: number;
  /** The server's max_payload in bytes (default 1 MiB), through a configuration file (there is no flag for it). */
  maxPayload?: number;
}

/** A real nats-server with JetStream on a free loopback port and a temporary store folder (tests only). */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  readonly storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lms-nats-'));

  private constructor(readonly port: number) {}

  static async start(options: LaunchOptions = {}): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(await freePort());
    await server.launch(options);
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /**
   * Starts (again) on the same port and store, as a restarted server would; without JetStream when asked (a server
   * still being configured).
   */
  async launch(options: LaunchOptions = {}): Promise<void> {
    const binary =
      ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((candidate) =>
        fs.existsSync(candidate),
      ) ?? 'nats-server';
    const jetStream = options.jetStream === false ? [] : ['-js', '-sd', this.storeDir];
    const monitor = options.monitorPort === undefined ? [] : ['-m', String(options.monitorPort)];
    const config = options.maxPayload === undefined ? [] : ['-c', this.configFile(options.maxPayload)];
    const child = spawn(binary, [...config, '-a', '127.0.0.1', '-p', String(this.port), ...jetStream, ...monitor], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${output}`)), 15_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Server is ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}: ${output}`));
      });
    });
    child.removeAllListeners('exit');
    child.stderr?.removeAllListeners('data');
    child.stderr?.resume();
  }

  private configFile(maxPayload: number): string {
    const file = path.join(this.storeDir, 'nats-server.conf');
    fs.writeFileSync(file, `max_payload: ${Math.floor(maxPayload)}\n`);
    return file;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Kills the server without warning (SIGKILL), as a crash would; `launch` starts it again on the same store. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
