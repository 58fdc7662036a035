// Hostile traffic against a KCP server over real UDP on 127.0.0.1: spoofed conversation ids,
// garbage datagrams and a flood of new peers. Each case asserts exactly which events were written.
import { afterEach, describe, expect, it } from 'vitest';
import { createKcpServer, type KcpServerOptions } from '../src/index.ts';
import { captureEvents, firstSegment, rawPeer, rawSocket, segment, waitFor } from './harness.ts';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function echoServer(options: KcpServerOptions) {
  const s = await createKcpServer({ statsIntervalMs: 0, ...options });
  s.on('session', (session) => session.on('message', (m) => session.send(m)));
  cleanup.push(() => s.close());
  return s;
}

describe('spoofed conversation ids', () => {
  it('refuses a live conv from a second address and leaves the victim session working', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider });
    const victim = await rawPeer(s, 0xc0ffee);
    cleanup.push(() => victim.close());
    victim.session.send('one');
    await waitFor(() => victim.received.includes('one'), 'the victim echo');
    const attacker = await rawSocket(s.address().port);
    cleanup.push(() => attacker.close());
    attacker.send(firstSegment(0xc0ffee, 'hijack'));
    await waitFor(() => events.names().includes('kcp_conv_reset'), 'the conv conflict');
    victim.session.send('two');
    await waitFor(() => victim.received.includes('two'), 'the victim still served');

    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_established', 'kcp_conv_reset']);
    const victimId = events.events()[0]!.attributes['logward.kcp.connection_id'];
    expect(events.events()[2]!.attributes).toMatchObject({
      'client.address': '127.0.0.1',
      'client.port': attacker.port,
      'logward.kcp.conv': 0xc0ffee,
      'logward.kcp.connection_id': victimId,
    });
    expect(events.events()[2]!.severityText).toBe('WARN');
    expect(s.sessions.size).toBe(1);
  });

  it('reports a forged foreign conv at a session address as ikcp_input conv_mismatch (-1)', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider });
    const peer = await rawPeer(s, 1001);
    cleanup.push(() => peer.close());
    peer.session.send('hi');
    await waitFor(() => peer.received.includes('hi'), 'the echo');
    peer.sendRaw(segment({ conv: 2002, cmd: 81, sn: 7, len: 1 }, Buffer.from('x')));
    await waitFor(() => events.names().includes('kcp_input_rejected'), 'the rejection');
    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_established', 'kcp_input_rejected']);
    expect(events.events()[2]!.attributes).toMatchObject({
      'logward.kcp.reason': 'conv_mismatch',
      'logward.kcp.input_code': -1,
      'logward.kcp.conv': 1001,
      'logward.kcp.connection_id': events.events()[0]!.attributes['logward.kcp.connection_id'],
      'client.port': peer.port,
    });
  });

  it('replaces the session on a new conv with sn 0 from the same address (kcp-go reset rule)', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider });
    const peer = await rawPeer(s, 3003);
    cleanup.push(() => peer.close());
    peer.session.send('hi');
    await waitFor(() => peer.received.includes('hi'), 'the echo');
    peer.session.close(); // the client restarts: its old conversation sends nothing more
    peer.sendRaw(firstSegment(4004, 'restart'));
    await waitFor(
      () => events.names().filter((n) => n === 'kcp_conn_established').length === 2,
      'the new session',
    );
    expect(events.names()).toEqual([
      'kcp_conn_open',
      'kcp_conn_established',
      'kcp_conv_reset',
      'kcp_conn_closed',
      'kcp_conn_open',
      'kcp_conn_established',
    ]);
    const [open1, , reset, closed, open2] = events.events();
    expect(reset!.attributes).toMatchObject({
      'logward.kcp.conv': 4004,
      'logward.kcp.connection_id': open1!.attributes['logward.kcp.connection_id'],
    });
    expect(closed!.attributes).toMatchObject({
      'logward.kcp.reason': 'session_replaced',
      'logward.kcp.outcome': 'failure',
      'logward.kcp.conv': 3003,
    });
    expect(open2!.attributes['logward.kcp.conv']).toBe(4004);
    expect(open2!.attributes['logward.kcp.connection_id']).not.toBe(
      open1!.attributes['logward.kcp.connection_id'],
    );
  });

  it("keeps the session under convChange: 'reject'", async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider, convChange: 'reject' });
    const peer = await rawPeer(s, 5005);
    cleanup.push(() => peer.close());
    peer.session.send('hi');
    await waitFor(() => peer.received.includes('hi'), 'the echo');
    peer.sendRaw(firstSegment(6006));
    await waitFor(() => events.names().includes('kcp_conv_reset'), 'the refused reset');
    peer.session.send('still');
    await waitFor(() => peer.received.includes('still'), 'the old session still served');
    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_established', 'kcp_conv_reset']);
  });
});

describe('garbage datagrams', () => {
  it('maps each ikcp_input rejection to its reason and opens no session', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider });
    const prober = await rawSocket(s.address().port);
    cleanup.push(() => prober.close());
    prober.send(Buffer.from('GET / HTTP/1.0')); // 14 bytes: shorter than a segment header
    prober.send(segment({ conv: 9, cmd: 99 })); // not PUSH/ACK/WASK/WINS
    prober.send(segment({ conv: 9, cmd: 81, len: 1000 })); // declares more bytes than it carries
    await waitFor(() => events.events().length === 3, 'three rejections');
    expect(
      events
        .events()
        .map((e) => [e.name, e.attributes['logward.kcp.reason'], e.attributes['logward.kcp.input_code']]),
    ).toEqual([
      ['kcp_input_rejected', 'short_packet', undefined],
      ['kcp_input_rejected', 'unknown_command', -3],
      ['kcp_input_rejected', 'bad_length', -2],
    ]);
    for (const e of events.events()) {
      expect(e.attributes).toMatchObject({ 'client.address': '127.0.0.1', 'client.port': prober.port });
      expect(e.attributes['logward.kcp.connection_id']).toBeUndefined();
      expect(e.severityText).toBe('WARN');
    }
    expect(s.sessions.size).toBe(0);
  });

  it('rejects garbage inside a live session and keeps serving it', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider });
    const peer = await rawPeer(s, 4242);
    cleanup.push(() => peer.close());
    peer.session.send('a');
    await waitFor(() => peer.received.includes('a'), 'the echo');
    peer.sendRaw(segment({ conv: 4242, cmd: 200 }));
    peer.sendRaw(Buffer.from([1, 2, 3]));
    await waitFor(
      () => events.names().filter((n) => n === 'kcp_input_rejected').length === 2,
      'two rejections',
    );
    peer.session.send('b');
    await waitFor(() => peer.received.includes('b'), 'the session still served');
    const rejected = events.events().filter((e) => e.name === 'kcp_input_rejected');
    expect(rejected.map((e) => e.attributes['logward.kcp.reason'])).toEqual([
      'unknown_command',
      'short_packet',
    ]);
    const id = events.events()[0]!.attributes['logward.kcp.connection_id'];
    for (const e of rejected) expect(e.attributes['logward.kcp.connection_id']).toBe(id);
  });

  it('gives a burst of identical rejections distinct timestamps (Loki drops same-time same-line entries)', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider });
    const peer = await rawPeer(s, 777);
    cleanup.push(() => peer.close());
    peer.session.send('a');
    await waitFor(() => peer.received.includes('a'), 'the echo');
    const forged = segment({ conv: 888, cmd: 81, sn: 5, len: 1 }, Buffer.from('x'));
    for (let i = 0; i < 10; i++) peer.sendRaw(forged);
    await waitFor(
      () => events.names().filter((n) => n === 'kcp_input_rejected').length === 10,
      'ten rejections',
    );
    const rejected = events.events().filter((e) => e.name === 'kcp_input_rejected');
    expect(new Set(rejected.map((e) => e.body)).size).toBe(1); // the same line ten times...
    expect(new Set(rejected.map((e) => e.timeNs)).size).toBe(10); // ...each at its own nanosecond
  });

  it('caps rejection events per peer address so a flood does not become a log flood', async () => {
    const events = captureEvents();
    const s = await echoServer({
      loggerProvider: events.provider,
      reportsPerPeer: 2,
      reportWindowMs: 60_000,
    });
    const prober = await rawSocket(s.address().port);
    cleanup.push(() => prober.close());
    for (let i = 0; i < 5; i++) prober.send(Buffer.from('junk'));
    // A valid peer afterwards proves all five junk datagrams were processed (same socket order).
    const peer = await rawPeer(s, 31337);
    cleanup.push(() => peer.close());
    peer.session.send('x');
    await waitFor(() => peer.received.includes('x'), 'the echo');
    expect(events.names().filter((n) => n === 'kcp_input_rejected')).toHaveLength(2);
  });
});

describe('a flood of new peers', () => {
  it('opens sessions up to the limit and refuses the rest with kcp_session_limit', async () => {
    const events = captureEvents();
    const s = await echoServer({ loggerProvider: events.provider, sessionLimit: 3, reportsPerPeer: 100 });
    const sockets = [];
    for (let i = 0; i < 6; i++) {
      const socket = await rawSocket(s.address().port);
      cleanup.push(() => socket.close());
      sockets.push(socket);
    }
    for (const [i, socket] of sockets.entries()) {
      socket.send(firstSegment(1000 + i));
      // One peer at a time, so the first three are the ones admitted.
      await waitFor(() => events.events().length >= (i < 3 ? 2 * (i + 1) : 6 + (i - 2)), `peer ${i}`);
    }
    expect(events.names()).toEqual([
      ...Array(3).fill(['kcp_conn_open', 'kcp_conn_established']).flat(),
      'kcp_session_limit',
      'kcp_session_limit',
      'kcp_session_limit',
    ]);
    const refused = events.events().filter((e) => e.name === 'kcp_session_limit');
    expect(refused.map((e) => e.attributes['client.port'])).toEqual(sockets.slice(3).map((x) => x.port));
    for (const e of refused) {
      expect(e.attributes).toMatchObject({
        'logward.kcp.active_sessions': 3,
        'logward.kcp.session_limit': 3,
      });
      expect(e.severityText).toBe('WARN');
    }
    expect(s.sessions.size).toBe(3);
  });
});
