// Reads KCP segment headers straight from datagrams (protocol.txt: 24 bytes, little-endian), so the
// logger can see what ikcp.c does not expose through node-kcp: the conv before a session exists, the
// sn of a reset packet, ACK timestamps for RTT, and PUSH sequence numbers for retransmit counts.

export const KCP_OVERHEAD = 24;
export const KCP_CMD_PUSH = 81;
export const KCP_CMD_ACK = 82;
export const KCP_CMD_WASK = 83;
export const KCP_CMD_WINS = 84;

export interface SegmentHeader {
  conv: number;
  cmd: number;
  frg: number;
  wnd: number;
  ts: number;
  sn: number;
  una: number;
  len: number;
}

/** The header at `offset`, or undefined when fewer than 24 bytes remain. */
export function readSegmentHeader(data: Buffer, offset = 0): SegmentHeader | undefined {
  if (data.length - offset < KCP_OVERHEAD) return undefined;
  return {
    conv: data.readUInt32LE(offset),
    cmd: data.readUInt8(offset + 4),
    frg: data.readUInt8(offset + 5),
    wnd: data.readUInt16LE(offset + 6),
    ts: data.readUInt32LE(offset + 8),
    sn: data.readUInt32LE(offset + 12),
    una: data.readUInt32LE(offset + 16),
    len: data.readUInt32LE(offset + 20),
  };
}

/**
 * Every well-formed segment header of a datagram, in order. Stops at the first header whose declared
 * length overruns the datagram (ikcp_input would return -2 there), like ikcp_input's own loop.
 */
export function readSegmentHeaders(data: Buffer): SegmentHeader[] {
  const headers: SegmentHeader[] = [];
  let offset = 0;
  for (;;) {
    const header = readSegmentHeader(data, offset);
    if (!header) return headers;
    offset += KCP_OVERHEAD;
    if (header.len > data.length - offset) return headers;
    headers.push(header);
    offset += header.len;
  }
}

/**
 * Calls `visit(offset, cmd)` for each well-formed segment of a datagram without allocating (the hot
 * path: every datagram in and out). Stops where ikcp_input would return -2.
 */
export function forEachSegment(data: Buffer, visit: (offset: number, cmd: number) => void): void {
  let offset = 0;
  while (data.length - offset >= KCP_OVERHEAD) {
    const end = offset + KCP_OVERHEAD + data.readUInt32LE(offset + 20);
    if (end > data.length) return;
    visit(offset, data[offset + 4]!);
    offset = end;
  }
}

/**
 * A window probe (IKCP_CMD_WASK) for `conv`. Any KCP peer answers it with a WINS segment on its next
 * flush, so it works as a heartbeat without an application protocol. una = 0 acknowledges nothing,
 * so the probe cannot drop data from the peer's send buffer.
 */
export function windowProbe(conv: number, rcvWindow: number, nowMs: number): Buffer {
  const probe = Buffer.alloc(KCP_OVERHEAD);
  probe.writeUInt32LE(conv >>> 0, 0);
  probe.writeUInt8(KCP_CMD_WASK, 4);
  probe.writeUInt16LE(rcvWindow & 0xffff, 6);
  probe.writeUInt32LE(nowMs >>> 0, 8);
  return probe;
}
