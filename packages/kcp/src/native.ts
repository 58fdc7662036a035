// Loads node-kcp, the native binding of skywind3000's ikcp.c. Its package `main` points at a helper
// that prints an include path (research/kcp.md §5), so the addon is required by its file name.
import { createRequire } from 'node:module';

/** The methods of node-kcp's KCPObject that logward uses (a thin wrapper around one ikcpcb). */
export interface NativeKcp {
  /** ikcp_input: 0 ok, -1 short or conv mismatch, -2 bad length, -3 unknown command. */
  input(data: Buffer): number;
  /** ikcp_send: 0 ok, below zero on error. */
  send(data: Buffer): number;
  /** ikcp_recv loop: the next message (message mode) or all pending bytes (stream mode), or undefined. */
  recv(): Buffer | undefined;
  output(fn: (data: Buffer, size: number) => void): void;
  update(nowMs: number): void;
  check(nowMs: number): number;
  flush(): void;
  nodelay(nodelay: number, interval: number, resend: number, nc: number): number;
  wndsize(sndwnd: number, rcvwnd: number): number;
  setmtu(mtu: number): number;
  waitsnd(): number;
  release(): void;
}

type NativeKcpConstructor = new (conv: number, context?: object) => NativeKcp;

let cached: NativeKcpConstructor | undefined;

/** node-kcp's KCP constructor; throws an error that says how to build the addon when it is missing. */
export function nativeKcpConstructor(): NativeKcpConstructor {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  try {
    cached = (require('node-kcp/index.js') as { KCP: NativeKcpConstructor }).KCP;
  } catch (error) {
    throw new Error(
      `@logward/kcp: the node-kcp native addon does not load in Node ${process.version} ` +
        `(${(error as Error).message.split('\n')[0]}). Build it with: node packages/kcp/scripts/build-native.mjs`,
      { cause: error },
    );
  }
  return cached;
}
