// One KCP conversation with one peer: the real ikcp.c (node-kcp) plus what KCP itself does not have,
// an application-defined lifecycle (research/kcp.md §0: no handshake, no FIN, no usable dead_link
// state from JS). The session watches its own datagrams to measure RTT and retransmits and to spot a
// dead link, probes an idle peer with window probes, and reports every transition as a security event.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  outcomeForClose,
  rejectReasonForInputCode,
  type KcpCloseReason,
  type KcpEventAttributes,
  type KcpEventName,
  type KcpEventOptions,
  type KcpEventSink,
  type KcpFailReason,
} from './events.ts';
import { nativeKcpConstructor, type NativeKcp } from './native.ts';
import { forEachSegment, KCP_CMD_ACK, KCP_CMD_PUSH, windowProbe } from './segment.ts';

export interface Endpoint {
  address: string;
  port: number;
}

/** ikcp tuning; defaults are ikcp.c's own except nodelay, which uses the README's "turbo" row. */
export interface KcpTuning {
  /** ikcp_nodelay(nodelay, interval, resend, nc); default [1, 10, 2, 1]. */
  nodelay?: [number, number, number, number];
  sndwnd?: number;
  rcvwnd?: number;
  mtu?: number;
}

export interface KcpSessionTimeouts {
  /** Close with idle_timeout when no application message went either way for this long. */
  idleTimeoutMs: number;
  /** Send a window probe when the peer has been silent this long. */
  heartbeatIntervalMs: number;
  /** Close with dead_link when no packet at all (not even a probe answer) arrived for this long. */
  deadLinkTimeoutMs: number;
  /** Like ikcp's dead_link (20): a segment sent this many times without an ack means the link is dead. */
  deadLinkTransmissions: number;
  /** Fail with handshake_timeout when the session is not established within this time. */
  handshakeTimeoutMs: number;
  /** Write kcp_conn_stats (DEBUG) this often; 0 turns them off. */
  statsIntervalMs: number;
}

export const defaultTimeouts: KcpSessionTimeouts = {
  idleTimeoutMs: 60_000,
  heartbeatIntervalMs: 5_000,
  deadLinkTimeoutMs: 20_000,
  deadLinkTransmissions: 20,
  handshakeTimeoutMs: 10_000,
  statsIntervalMs: 60_000,
};

/**
 * Decides whether the first message of a session proves the peer: true establishes the session,
 * false fails it with handshake_rejected. The message is consumed by the handshake.
 */
export type KcpHandshake = (session: KcpSession, message: Buffer) => boolean | Promise<boolean>;

export interface KcpSessionInit {
  role: 'server' | 'client';
  conv: number;
  local: Endpoint;
  remote: Endpoint;
  transmit: (datagram: Buffer) => void;
  sink: KcpEventSink;
  now: () => number;
  timeouts: KcpSessionTimeouts;
  tuning?: KcpTuning;
  handshake?: KcpHandshake;
}

export interface KcpSessionEvents {
  message: [Buffer];
  established: [];
  close: [KcpCloseReason | KcpFailReason];
}

export class KcpSession extends EventEmitter<KcpSessionEvents> {
  /** Random id of this connection, never the conv: the conv is chosen by the peer and may collide. */
  readonly connectionId = randomUUID();
  readonly conv: number;
  readonly role: 'server' | 'client';
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly openedAt: number;
  #kcp: NativeKcp | undefined;
  readonly #init: KcpSessionInit;
  readonly #rcvwnd: number;
  #established = false;
  #handshakePending = false;
  #queued: Buffer[] = [];
  #lastPacketAt: number;
  #lastMessageAt: number;
  #lastProbeAt = 0;
  #lastStatsAt: number;
  // Wire-level bookkeeping: transmissions per unacked PUSH sn, and the smoothed RTT from ACK echoes.
  #transmissions = new Map<number, number>();
  #retransmits = 0;
  #srttMs: number | undefined;

  constructor(init: KcpSessionInit) {
    super();
    this.#init = init;
    this.conv = init.conv >>> 0;
    this.role = init.role;
    this.local = init.local;
    this.remote = init.remote;
    this.openedAt = this.#lastPacketAt = this.#lastMessageAt = this.#lastStatsAt = init.now();
    const KCP = nativeKcpConstructor();
    const kcp = new KCP(this.conv, {});
    const [nodelay, interval, resend, nc] = init.tuning?.nodelay ?? [1, 10, 2, 1];
    kcp.nodelay(nodelay, interval, resend, nc);
    this.#rcvwnd = init.tuning?.rcvwnd ?? 128;
    kcp.wndsize(init.tuning?.sndwnd ?? 32, this.#rcvwnd);
    if (init.tuning?.mtu !== undefined && kcp.setmtu(init.tuning.mtu) < 0) {
      kcp.release();
      throw new RangeError(
        `@logward/kcp: tuning.mtu ${init.tuning.mtu} rejected by ikcp_setmtu (minimum 50)`,
      );
    }
    kcp.output((datagram) => this.#onOutput(datagram));
    kcp.update(init.now() >>> 0);
    this.#kcp = kcp;
  }

  get established(): boolean {
    return this.#established;
  }

  get closed(): boolean {
    return this.#kcp === undefined;
  }

  /** Smoothed RTT measured from ACK timestamps, in ms (undefined before the first ACK). */
  get rttMs(): number | undefined {
    return this.#srttMs;
  }

  get retransmits(): number {
    return this.#retransmits;
  }

  /** The contract's peer attributes: client.* is the connecting side, server.* the listening one. */
  attributes(): KcpEventAttributes {
    const [client, server] = this.role === 'server' ? [this.remote, this.local] : [this.local, this.remote];
    return {
      'client.address': client.address,
      'client.port': client.port,
      'server.address': server.address,
      'server.port': server.port,
      'network.transport': 'udp',
      'logward.kcp.conv': this.conv,
      'logward.kcp.connection_id': this.connectionId,
    };
  }

  /** Writes one event with this session's attributes plus `extra`. */
  report(name: KcpEventName, extra: KcpEventAttributes, options: KcpEventOptions): void {
    this.#init.sink(name, { ...this.attributes(), ...extra }, options);
  }

  /**
   * Feeds one datagram from the peer to ikcp_input. Returns its code; a negative code has been
   * reported as kcp_input_rejected. Segments before a bad one are applied, as ikcp.c does.
   */
  input(datagram: Buffer): number {
    const kcp = this.#kcp;
    if (!kcp) return 0;
    const code = kcp.input(datagram);
    const now = this.#init.now();
    if (code < 0) {
      const reason = rejectReasonForInputCode(code);
      this.report(
        'kcp_input_rejected',
        { 'logward.kcp.reason': reason, 'logward.kcp.input_code': code },
        {
          body: `KCP packet from ${this.remote.address}:${this.remote.port} rejected by ikcp_input (${code}, ${reason})`,
        },
      );
    } else {
      this.#lastPacketAt = now;
    }
    this.#observeIncoming(datagram, now);
    this.#drain();
    return code;
  }

  /** Queues an application message (ikcp_send) and flushes it. */
  send(data: Buffer | string): void {
    const kcp = this.#kcp;
    if (!kcp) throw new Error(`@logward/kcp: send on closed session ${this.connectionId}`);
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    const code = kcp.send(buffer);
    if (code < 0)
      throw new RangeError(`@logward/kcp: ikcp_send returned ${code} (message of ${buffer.length} bytes)`);
    this.#lastMessageAt = this.#init.now();
    kcp.flush();
  }

  /** Marks the session established (for applications that prove the peer outside the first message). */
  markEstablished(): void {
    if (this.#established || this.closed) return;
    this.#established = true;
    const rtt = this.#srttMs;
    this.report('kcp_conn_established', rtt === undefined ? {} : { 'logward.kcp.rtt_ms': rtt }, {
      body: `KCP connection ${this.connectionId} established with ${this.remote.address}:${this.remote.port}`,
    });
    this.emit('established');
  }

  /**
   * Ends the session. The application passes peer_close when its protocol says the peer said goodbye
   * (KCP has no FIN); the session itself uses idle_timeout, dead_link, socket_error, session_replaced.
   */
  close(reason: KcpCloseReason = 'local_close'): void {
    if (!this.#kcp) return;
    const duration = this.#init.now() - this.openedAt;
    this.report(
      'kcp_conn_closed',
      {
        'logward.kcp.reason': reason,
        'logward.kcp.outcome': outcomeForClose(reason),
        'logward.kcp.duration_ms': duration,
      },
      {
        body: `KCP connection ${this.connectionId} with ${this.remote.address}:${this.remote.port} closed: ${reason}`,
      },
    );
    this.#release(reason);
  }

  /** Fails a session that never got established. */
  fail(reason: KcpFailReason): void {
    if (!this.#kcp) return;
    this.report(
      'kcp_conn_failed',
      { 'logward.kcp.reason': reason, 'logward.kcp.outcome': 'failure' },
      {
        body: `KCP connection ${this.connectionId} from ${this.remote.address}:${this.remote.port} failed: ${reason}`,
      },
    );
    this.#release(reason);
  }

  /** Drives ikcp_update and the session's timers; the owner calls it every few ms. */
  tick(): void {
    const kcp = this.#kcp;
    if (!kcp) return;
    const now = this.#init.now();
    kcp.update(now >>> 0);
    if (!this.#kcp) return; // a dead link seen in output closed the session
    const t = this.#init.timeouts;
    if (!this.#established && now - this.openedAt >= t.handshakeTimeoutMs)
      return this.fail('handshake_timeout');
    if (now - this.#lastPacketAt >= t.deadLinkTimeoutMs) return this.close('dead_link');
    if (now - this.#lastMessageAt >= t.idleTimeoutMs) return this.close('idle_timeout');
    if (
      now - this.#lastPacketAt >= t.heartbeatIntervalMs &&
      now - this.#lastProbeAt >= t.heartbeatIntervalMs
    ) {
      this.#lastProbeAt = now;
      this.#init.transmit(windowProbe(this.conv, this.#rcvwnd, now));
    }
    if (t.statsIntervalMs > 0 && now - this.#lastStatsAt >= t.statsIntervalMs) {
      this.#lastStatsAt = now;
      this.reportStats();
    }
  }

  /** Writes kcp_conn_stats at DEBUG (RTT, retransmits so far, age). */
  reportStats(): void {
    if (this.closed) return;
    this.report(
      'kcp_conn_stats',
      {
        ...(this.#srttMs === undefined ? {} : { 'logward.kcp.rtt_ms': this.#srttMs }),
        'logward.kcp.retransmits': this.#retransmits,
        'logward.kcp.duration_ms': this.#init.now() - this.openedAt,
      },
      { level: 'DEBUG', body: `KCP connection ${this.connectionId} stats` },
    );
  }

  #release(reason: KcpCloseReason | KcpFailReason): void {
    const kcp = this.#kcp;
    if (!kcp) return;
    this.#kcp = undefined;
    this.#queued = [];
    kcp.release();
    this.emit('close', reason);
  }

  #onOutput(datagram: Buffer): void {
    const limit = this.#init.timeouts.deadLinkTransmissions;
    let dead = false;
    forEachSegment(datagram, (offset, cmd) => {
      if (cmd !== KCP_CMD_PUSH) return;
      const sn = datagram.readUInt32LE(offset + 12);
      const sent = (this.#transmissions.get(sn) ?? 0) + 1;
      this.#transmissions.set(sn, sent);
      if (sent > 1) this.#retransmits++;
      if (sent >= limit) dead = true;
    });
    this.#init.transmit(datagram);
    // ikcp_flush sets state = -1 at this point; node-kcp hides it, so the wire count stands in for it.
    if (dead) queueMicrotask(() => this.close('dead_link'));
  }

  #observeIncoming(datagram: Buffer, now: number): void {
    forEachSegment(datagram, (offset, cmd) => {
      if (datagram.readUInt32LE(offset) !== this.conv) return;
      if (cmd === KCP_CMD_ACK) {
        this.#transmissions.delete(datagram.readUInt32LE(offset + 12));
        const rtt = ((now >>> 0) - datagram.readUInt32LE(offset + 8)) >>> 0;
        // Same smoothing as ikcp_update_ack (srtt += (rtt - srtt) / 8); ignore echoes that wrapped.
        if (rtt < 60_000)
          this.#srttMs = this.#srttMs === undefined ? rtt : this.#srttMs + (rtt - this.#srttMs) / 8;
      }
      if (this.#transmissions.size === 0) return;
      const una = datagram.readUInt32LE(offset + 16);
      for (const sn of this.#transmissions.keys()) {
        if (((sn - una) | 0) < 0) this.#transmissions.delete(sn);
      }
    });
  }

  #drain(): void {
    for (;;) {
      const kcp = this.#kcp;
      if (!kcp) return;
      const message = kcp.recv();
      if (message === undefined) return;
      this.#lastMessageAt = this.#init.now();
      this.#deliver(message);
    }
  }

  #deliver(message: Buffer): void {
    if (this.#established) {
      this.emit('message', message);
      return;
    }
    if (this.#handshakePending) {
      this.#queued.push(message);
      return;
    }
    const handshake = this.#init.handshake;
    if (!handshake) {
      // No application handshake: the first complete message is the first valid exchange.
      this.markEstablished();
      this.emit('message', message);
      return;
    }
    this.#handshakePending = true;
    Promise.resolve()
      .then(() => handshake(this, message))
      .then(
        (accepted) => this.#settleHandshake(accepted),
        () => this.#settleHandshake(false),
      );
  }

  #settleHandshake(accepted: boolean): void {
    this.#handshakePending = false;
    if (this.closed) return;
    if (!accepted) return this.fail('handshake_rejected');
    this.markEstablished();
    const queued = this.#queued;
    this.#queued = [];
    for (const message of queued) this.emit('message', message);
  }
}
