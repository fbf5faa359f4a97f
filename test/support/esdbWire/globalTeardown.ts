/** Stops the protocol-level test server globalSetup.ts started. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { esdbWireServer?: { stop(): Promise<void> } }).esdbWireServer?.stop();
}
