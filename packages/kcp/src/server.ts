// A KCP server over node:dgram with its own session table. KCP has no handshake, so anything that
// sends a datagram with a conv could make a naive server allocate a session (kcp-go does exactly that,
// research/kcp.md §2.2). This one validates the first datagram with the real ikcp_input before it
// allocates anything, caps the table, refuses a live conv from a second address, and reports each of
// those decisions as a security event with the peer's address and port.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import {
  defaultSink,
  EventRateLimiter,
  rejectReasonForInputCode,
  type KcpEventAttributes,
  type KcpEventSink,
} from './events.ts';
import { nativeKcpConstructor } from './native.ts';
import { KCP_CMD_PUSH, KCP_OVERHEAD, readSegmentHeader } from './segment.ts';
import {
  defaultTimeouts,
  KcpSession,
  type Endpoint,
  type KcpHandshake,
  type KcpSessionTimeouts,
  type KcpTuning,
} from './session.ts';

export interface KcpServerOptions extends Partial<KcpSessionTimeouts> {
  /** Address to bind; default 127.0.0.1 (pass 0.0.0.0 to listen on every interface). */
  host?: string;
  /** UDP port; default 0 (an ephemeral port, see `server.address()`). */
  port?: number;
  /** Most sessions at once; a new peer beyond it is refused with kcp_session_limit. Default 1024. */
  sessionLimit?: number;
  /**
   * A datagram with a new conv and sn 0 from the address of a live session is a client restart in
   * kcp-go's rules, and a way to kill that session for anyone who can spoof the address. 'replace'
   * (kcp-go compatible, default) closes the old session with session_replaced; 'reject' keeps it.
   * Both write kcp_conv_reset.
   */
  convChange?: 'replace' | 'reject';
  handshake?: KcpHandshake;
  tuning?: KcpTuning;
  /** Where events go; default: OTel log records through `loggerProvider` or the global provider. */
  sink?: KcpEventSink;
  loggerProvider?: LoggerProvider;
  /** Most rejection/limit events per peer address per `reportWindowMs`; default 20 per 10 s. */
  reportsPerPeer?: number;
  reportWindowMs?: number;
  /** How often sessions are updated (ikcp_update and timers); default 10 ms. */
  tickMs?: number;
  /** Clock in ms; tests may pass a controllable one. */
  now?: () => number;
}

export interface KcpServerEvents {
  session: [KcpSession];
  error: [Error];
}

function peerKey(endpoint: Endpoint): string {
  return `${endpoint.address}|${endpoint.port}`;
}

export class KcpServer extends EventEmitter<KcpServerEvents> {
  readonly #options: KcpServerOptions;
  readonly #socket: dgram.Socket;
  readonly #sink: KcpEventSink;
  readonly #now: () => number;
  readonly #timeouts: KcpSessionTimeouts;
  readonly #limiter: EventRateLimiter;
  readonly #byPeer = new Map<string, KcpSession>();
  readonly #byConv = new Map<number, KcpSession>();
  #local: Endpoint = { address: '', port: 0 };
  #timer: NodeJS.Timeout | undefined;

  constructor(options: KcpServerOptions = {}) {
    super();
    nativeKcpConstructor(); // fail at construction, not at the first packet, when the addon is missing
    this.#options = options;
    this.#sink = options.sink ?? defaultSink(options.loggerProvider);
    this.#now = options.now ?? Date.now;
    this.#timeouts = { ...defaultTimeouts };
    for (const key of Object.keys(defaultTimeouts) as (keyof KcpSessionTimeouts)[]) {
      const value = options[key];
      if (value !== undefined) this.#timeouts[key] = value;
    }
    this.#limiter = new EventRateLimiter(options.reportsPerPeer ?? 20, options.reportWindowMs ?? 10_000);
    this.#socket = dgram.createSocket(options.host?.includes(':') ? 'udp6' : 'udp4');
    this.#socket.on('message', (data, rinfo) =>
      this.#onDatagram(data, { address: rinfo.address, port: rinfo.port }),
    );
    this.#socket.on('error', (error) => this.#onSocketError(error));
  }

  /** Binds the socket and starts the update loop. */
  async listen(): Promise<Endpoint> {
    await new Promise<void>((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.bind(this.#options.port ?? 0, this.#options.host ?? '127.0.0.1', () => {
        this.#socket.off('error', reject);
        resolve();
      });
    });
    const { address, port } = this.#socket.address();
    this.#local = { address, port };
    this.#timer = setInterval(() => this.#tick(), this.#options.tickMs ?? 10);
    return this.#local;
  }

  address(): Endpoint {
    return { ...this.#local };
  }

  get sessions(): ReadonlyMap<string, KcpSession> {
    return this.#byPeer;
  }

  get sessionLimit(): number {
    return this.#options.sessionLimit ?? 1024;
  }

  /** Closes every session (local_close) and the socket. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const session of [...this.#byPeer.values()]) session.close('local_close');
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #tick(): void {
    for (const session of [...this.#byPeer.values()]) session.tick();
  }

  #peerAttributes(peer: Endpoint): KcpEventAttributes {
    return {
      'client.address': peer.address,
      'client.port': peer.port,
      'server.address': this.#local.address,
      'server.port': this.#local.port,
      'network.transport': 'udp',
    };
  }

  #report(peer: Endpoint, name: Parameters<KcpEventSink>[0], extra: KcpEventAttributes, body: string): void {
    if (!this.#limiter.allow(peer.address, this.#now())) return;
    this.#sink(name, { ...this.#peerAttributes(peer), ...extra }, { body });
  }

  #onDatagram(data: Buffer, peer: Endpoint): void {
    const existing = this.#byPeer.get(peerKey(peer));
    const header = readSegmentHeader(data);
    if (!header) {
      const attributes: KcpEventAttributes = { 'logward.kcp.reason': 'short_packet' };
      if (data.length >= 4) attributes['logward.kcp.conv'] = data.readUInt32LE(0);
      if (existing) attributes['logward.kcp.connection_id'] = existing.connectionId;
      this.#report(
        peer,
        'kcp_input_rejected',
        attributes,
        `KCP packet of ${data.length} bytes from ${peer.address}:${peer.port} is shorter than a segment header (${KCP_OVERHEAD})`,
      );
      return;
    }
    if (existing) {
      if (header.conv === existing.conv) {
        existing.input(data);
        return;
      }
      if (header.sn === 0 && header.cmd === KCP_CMD_PUSH) {
        this.#convReset(existing, header.conv, data, peer);
        return;
      }
      existing.input(data); // ikcp_input rejects the foreign conv with -1: reported as conv_mismatch
      return;
    }
    this.#newPeer(data, header.conv, peer);
  }

  #convReset(existing: KcpSession, conv: number, data: Buffer, peer: Endpoint): void {
    const replace = (this.#options.convChange ?? 'replace') === 'replace';
    this.#report(
      peer,
      'kcp_conv_reset',
      { 'logward.kcp.conv': conv, 'logward.kcp.connection_id': existing.connectionId },
      `KCP peer ${peer.address}:${peer.port} switched conversation ${existing.conv} to ${conv}` +
        (replace ? '; old session replaced' : '; refused'),
    );
    if (!replace) return;
    existing.close('session_replaced');
    this.#newPeer(data, conv, peer);
  }

  #newPeer(data: Buffer, conv: number, peer: Endpoint): void {
    const owner = this.#byConv.get(conv);
    if (owner && !owner.closed) {
      // A live conversation id from a second address: a hijack attempt or a NAT rebinding. Without
      // authentication the two cannot be told apart, so the session stays with its first address.
      this.#report(
        peer,
        'kcp_conv_reset',
        { 'logward.kcp.conv': conv, 'logward.kcp.connection_id': owner.connectionId },
        `KCP conversation ${conv} of ${owner.remote.address}:${owner.remote.port} reused from ${peer.address}:${peer.port}; refused`,
      );
      return;
    }
    // Validate with the real ikcp_input on a scratch control block before allocating a session.
    const KCP = nativeKcpConstructor();
    const probe = new KCP(conv >>> 0, {});
    const code = probe.input(data);
    probe.release();
    if (code < 0) {
      const reason = rejectReasonForInputCode(code);
      this.#report(
        peer,
        'kcp_input_rejected',
        { 'logward.kcp.conv': conv, 'logward.kcp.reason': reason, 'logward.kcp.input_code': code },
        `KCP packet from new peer ${peer.address}:${peer.port} rejected by ikcp_input (${code}, ${reason})`,
      );
      return;
    }
    if (this.#byPeer.size >= this.sessionLimit) {
      this.#report(
        peer,
        'kcp_session_limit',
        {
          'logward.kcp.conv': conv,
          'logward.kcp.active_sessions': this.#byPeer.size,
          'logward.kcp.session_limit': this.sessionLimit,
        },
        `KCP session limit ${this.sessionLimit} reached; new peer ${peer.address}:${peer.port} refused`,
      );
      return;
    }
    const session = new KcpSession({
      role: 'server',
      conv,
      local: this.#local,
      remote: peer,
      transmit: (datagram) => this.#socket.send(datagram, peer.port, peer.address),
      sink: this.#sink,
      now: this.#now,
      timeouts: this.#timeouts,
      ...(this.#options.tuning ? { tuning: this.#options.tuning } : {}),
      ...(this.#options.handshake ? { handshake: this.#options.handshake } : {}),
    });
    const key = peerKey(peer);
    this.#byPeer.set(key, session);
    this.#byConv.set(session.conv, session);
    session.once('close', () => {
      if (this.#byPeer.get(key) === session) this.#byPeer.delete(key);
      if (this.#byConv.get(session.conv) === session) this.#byConv.delete(session.conv);
    });
    session.report(
      'kcp_conn_open',
      {},
      {
        body: `KCP peer ${peer.address}:${peer.port} opened conversation ${session.conv}`,
      },
    );
    this.emit('session', session);
    session.input(data);
  }

  #onSocketError(error: Error): void {
    for (const session of [...this.#byPeer.values()]) session.close('socket_error');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/** Creates a KCP server and binds it. */
export async function createKcpServer(options: KcpServerOptions = {}): Promise<KcpServer> {
  const server = new KcpServer(options);
  await server.listen();
  return server;
}
