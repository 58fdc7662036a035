// The client side: one KCP session over a connected UDP socket (the kernel drops datagrams from any
// other source, which kcp-go's client counts as InErrs). The conv is random (crypto), as kcp-go's
// DialWithOptions draws it, so it cannot be guessed from the previous one.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { defaultSink, type KcpEventSink } from './events.ts';
import {
  defaultTimeouts,
  KcpSession,
  type KcpHandshake,
  type KcpSessionTimeouts,
  type KcpTuning,
} from './session.ts';

export interface KcpClientOptions extends Partial<KcpSessionTimeouts> {
  host: string;
  port: number;
  /** Conversation id; default a random 32-bit value. */
  conv?: number;
  tuning?: KcpTuning;
  /** Checks the server's first message (for example a signed greeting); default: any message. */
  handshake?: KcpHandshake;
  sink?: KcpEventSink;
  loggerProvider?: LoggerProvider;
  tickMs?: number;
  now?: () => number;
}

/** A client session; `close()` also closes its socket. */
export interface KcpClient {
  session: KcpSession;
  close(reason?: 'local_close' | 'peer_close'): Promise<void>;
}

/** Connects a UDP socket to the server and opens a KCP session on it (kcp_conn_open). */
export async function connectKcp(options: KcpClientOptions): Promise<KcpClient> {
  const socket = dgram.createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const local = socket.address();
  const remote = socket.remoteAddress();
  const timeouts: KcpSessionTimeouts = { ...defaultTimeouts };
  for (const key of Object.keys(defaultTimeouts) as (keyof KcpSessionTimeouts)[]) {
    const value = options[key];
    if (value !== undefined) timeouts[key] = value;
  }
  const session = new KcpSession({
    role: 'client',
    conv: options.conv ?? randomInt(1, 2 ** 32 - 1),
    local: { address: local.address, port: local.port },
    remote: { address: remote.address, port: remote.port },
    transmit: (datagram) => socket.send(datagram),
    sink: options.sink ?? defaultSink(options.loggerProvider),
    now: options.now ?? Date.now,
    timeouts,
    ...(options.tuning ? { tuning: options.tuning } : {}),
    ...(options.handshake ? { handshake: options.handshake } : {}),
  });
  session.report(
    'kcp_conn_open',
    {},
    {
      body: `KCP client opened conversation ${session.conv} to ${remote.address}:${remote.port}`,
    },
  );
  socket.on('message', (data) => session.input(data));
  const timer = setInterval(() => session.tick(), options.tickMs ?? 10);
  let socketClosed = false;
  const closeSocket = () =>
    new Promise<void>((resolve) => {
      clearInterval(timer);
      if (socketClosed) return resolve();
      socketClosed = true;
      socket.close(() => resolve());
    });
  socket.on('error', () => session.close('socket_error'));
  session.once('close', () => void closeSocket());
  return {
    session,
    async close(reason = 'local_close') {
      session.close(reason);
      await closeSocket();
    },
  };
}
