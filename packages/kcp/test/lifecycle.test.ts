// KCP connection lifecycle over real UDP on 127.0.0.1, events captured from a real LoggerProvider.
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectKcp,
  createKcpServer,
  type KcpClient,
  type KcpServer,
  type KcpServerOptions,
} from '../src/index.ts';
import { captureEvents, rawPeer, segment, waitFor } from './harness.ts';

const quiet = { statsIntervalMs: 0 } as const;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function server(options: KcpServerOptions) {
  const s = await createKcpServer({ ...quiet, ...options });
  cleanup.push(() => s.close());
  return s;
}

async function client(
  s: KcpServer,
  options: Partial<Parameters<typeof connectKcp>[0]> = {},
): Promise<KcpClient> {
  const c = await connectKcp({ host: '127.0.0.1', port: s.address().port, ...quiet, ...options });
  cleanup.push(() => c.close());
  return c;
}

describe('a normal session', () => {
  it('opens, establishes on the first exchange, and closes on the application bye', async () => {
    const serverEvents = captureEvents();
    const clientEvents = captureEvents();
    const s = await server({ loggerProvider: serverEvents.provider });
    s.on('session', (session) => {
      session.on('message', (m) => {
        if (m.toString() === 'bye') session.close('peer_close');
        else session.send(`echo:${m.toString()}`);
      });
    });
    const c = await client(s, { loggerProvider: clientEvents.provider });
    const replies: string[] = [];
    c.session.on('message', (m) => replies.push(m.toString()));
    c.session.send('hello');
    await waitFor(() => replies.includes('echo:hello'), 'the echo');
    c.session.send('bye');
    await waitFor(() => serverEvents.names().includes('kcp_conn_closed'), 'the server-side close');
    await c.close();

    expect(serverEvents.names()).toEqual(['kcp_conn_open', 'kcp_conn_established', 'kcp_conn_closed']);
    expect(clientEvents.names()).toEqual(['kcp_conn_open', 'kcp_conn_established', 'kcp_conn_closed']);

    const [open, established, closed] = serverEvents.events();
    const peer = {
      'client.address': '127.0.0.1',
      'client.port': c.session.local.port,
      'server.address': '127.0.0.1',
      'server.port': s.address().port,
      'network.transport': 'udp',
      'logward.kcp.conv': c.session.conv,
    };
    for (const event of [open, established, closed]) {
      expect(event!.attributes).toMatchObject(peer);
      expect(event!.attributes['otel.event.name']).toBe(event!.name);
    }
    const id = open!.attributes['logward.kcp.connection_id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(String(c.session.conv));
    expect(established!.attributes['logward.kcp.connection_id']).toBe(id);
    expect(closed!.attributes).toMatchObject({
      'logward.kcp.connection_id': id,
      'logward.kcp.reason': 'peer_close',
      'logward.kcp.outcome': 'success',
    });
    expect(closed!.attributes['logward.kcp.duration_ms']).toBeGreaterThanOrEqual(0);
    expect(open!.severityText).toBe('INFO');
    expect(clientEvents.events()[2]!.attributes).toMatchObject({
      'logward.kcp.reason': 'local_close',
      'client.port': c.session.local.port,
      'server.port': s.address().port,
    });
    // Client and server name the same connection differently: each side draws its own id.
    expect(clientEvents.events()[0]!.attributes['logward.kcp.connection_id']).not.toBe(id);
  });

  it('writes connection stats at DEBUG with the RTT measured from ACKs', async () => {
    const events = captureEvents();
    const s = await server({ loggerProvider: events.provider });
    s.on('session', (session) => session.on('message', (m) => session.send(m)));
    const c = await client(s);
    const replies: string[] = [];
    c.session.on('message', (m) => replies.push(m.toString()));
    for (let i = 0; i < 3; i++) c.session.send(`m${i}`);
    await waitFor(() => replies.length === 3, 'three echoes');
    const session = [...s.sessions.values()][0]!;
    await waitFor(() => session.rttMs !== undefined, 'an ACK carrying the echo timestamp');
    session.reportStats();
    const stats = events.events().filter((e) => e.name === 'kcp_conn_stats');
    expect(stats).toHaveLength(1);
    expect(stats[0]!.severityText).toBe('DEBUG');
    expect(stats[0]!.severityNumber).toBe(5);
    expect(stats[0]!.attributes['logward.kcp.retransmits']).toBe(0);
    expect(stats[0]!.attributes['logward.kcp.rtt_ms']).toBeGreaterThanOrEqual(0);
  });
});

describe('sessions that end badly', () => {
  it('detects an abruptly lost peer as dead_link with its own heartbeat', async () => {
    const events = captureEvents();
    const s = await server({
      loggerProvider: events.provider,
      heartbeatIntervalMs: 30,
      deadLinkTimeoutMs: 250,
      idleTimeoutMs: 60_000,
    });
    s.on('session', (session) => session.on('message', (m) => session.send(m)));
    const peer = await rawPeer(s, 0x1234abcd);
    peer.session.send('hello');
    await waitFor(() => peer.received.includes('hello'), 'the echo');
    await peer.close(); // the socket vanishes without any goodbye
    await waitFor(() => events.names().includes('kcp_conn_closed'), 'the dead-link close');
    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_established', 'kcp_conn_closed']);
    expect(events.events()[2]!.attributes).toMatchObject({
      'logward.kcp.reason': 'dead_link',
      'logward.kcp.outcome': 'failure',
      'client.port': peer.port,
    });
    expect(events.events()[2]!.severityText).toBe('INFO');
  });

  it('keeps a silent but live peer through heartbeats and closes it on idle_timeout', async () => {
    const events = captureEvents();
    const s = await server({
      loggerProvider: events.provider,
      heartbeatIntervalMs: 20,
      // 30 heartbeat periods: only a peer that stopped answering, not a busy machine, reaches it.
      deadLinkTimeoutMs: 600,
      idleTimeoutMs: 1500,
    });
    s.on('session', (session) => session.on('message', (m) => session.send(m)));
    const c = await client(s, { idleTimeoutMs: 60_000, deadLinkTimeoutMs: 60_000 });
    c.session.send('hi');
    await waitFor(() => events.names().includes('kcp_conn_closed'), 'the idle close');
    // The window probes were answered, so the link was never called dead even though
    // deadLinkTimeoutMs is far shorter than the idle timeout.
    expect(events.events().find((e) => e.name === 'kcp_conn_closed')!.attributes['logward.kcp.reason']).toBe(
      'idle_timeout',
    );
  });

  it('fails a session whose application handshake is rejected', async () => {
    const events = captureEvents();
    const s = await server({
      loggerProvider: events.provider,
      handshake: async (_session, message) => message.toString() === 'token:letmein',
    });
    const c = await client(s);
    c.session.send('token:wrong');
    await waitFor(() => events.names().includes('kcp_conn_failed'), 'the handshake failure');
    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_failed']);
    expect(events.events()[1]!.attributes).toMatchObject({
      'logward.kcp.reason': 'handshake_rejected',
      'logward.kcp.outcome': 'failure',
    });
    expect(events.events()[1]!.severityText).toBe('WARN');
    expect(s.sessions.size).toBe(0);
  });

  it('establishes after an accepted handshake and delivers what followed it', async () => {
    const events = captureEvents();
    const s = await server({
      loggerProvider: events.provider,
      handshake: async (_session, message) => message.toString() === 'token:letmein',
    });
    const got: string[] = [];
    s.on('session', (session) => session.on('message', (m) => got.push(m.toString())));
    const c = await client(s);
    c.session.send('token:letmein');
    c.session.send('payload');
    await waitFor(() => got.includes('payload'), 'the message after the handshake');
    expect(got).toEqual(['payload']);
    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_established']);
  });

  it('fails a peer that never completes the handshake with handshake_timeout', async () => {
    const events = captureEvents();
    const s = await server({ loggerProvider: events.provider, handshakeTimeoutMs: 100 });
    const peer = await rawPeer(s, 77);
    cleanup.push(() => peer.close());
    peer.sendRaw(segment({ conv: 77, cmd: 83 })); // a window probe: valid KCP, opens a session, no message
    await waitFor(() => events.names().includes('kcp_conn_failed'), 'the handshake timeout');
    expect(events.names()).toEqual(['kcp_conn_open', 'kcp_conn_failed']);
    expect(events.events()[1]!.attributes['logward.kcp.reason']).toBe('handshake_timeout');
  });
});
