// A KCP game gateway with @logward/kcp, and the traffic the demo sends it: honest clients with an
// application handshake, then spoofed conversation ids, forged and garbage datagrams, and a flood of
// new peers beyond the session limit. Everything runs on 127.0.0.1.
import dgram from 'node:dgram';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import { connectKcp, createKcpServer, KCP_OVERHEAD, type KcpClient, type KcpServer } from '@logward/kcp';

export interface KcpScenario {
  name: string;
  datagrams: number;
}

const sessionLimit = 16;

function segment(conv: number, cmd: number, sn: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(KCP_OVERHEAD + payload.length);
  b.writeUInt32LE(conv >>> 0, 0);
  b.writeUInt8(cmd, 4);
  b.writeUInt16LE(128, 6);
  b.writeUInt32LE(Date.now() >>> 0, 8);
  b.writeUInt32LE(sn, 12);
  b.writeUInt32LE(payload.length, 20);
  payload.copy(b, KCP_OVERHEAD);
  return b;
}

async function socketOn(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  return s;
}

const send = (s: dgram.Socket, port: number, data: Buffer) =>
  new Promise<void>((resolve, reject) => s.send(data, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));

/** Waits until `check` holds; the bound only stops a broken run from hanging. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`demo: timed out waiting for ${what}`);
}

export async function driveKcp(
  provider: LoggerProvider,
): Promise<{ scenarios: KcpScenario[]; server: KcpServer }> {
  const server = await createKcpServer({
    loggerProvider: provider,
    sessionLimit,
    reportsPerPeer: 200, // every attacker is 127.0.0.1 here; production keeps the default cap
    statsIntervalMs: 0,
    // Long enough that a slow machine cannot turn the flood's half-open sessions into handshake failures.
    handshakeTimeoutMs: 60_000,
    handshake: (_session, message) => message.toString() === 'HELLO demo-client-token',
  });
  server.on('session', (session) =>
    session.on('message', (m) => (m.toString() === 'BYE' ? session.close('peer_close') : session.send(m))),
  );
  const { port } = server.address();
  const scenarios: KcpScenario[] = [];

  // Honest players: handshake, a few messages, goodbye.
  const players: { client: KcpClient; echoes: string[] }[] = [];
  for (let i = 0; i < 3; i++) {
    // Players' devices do not ship logs to the operator's Loki: their side logs nowhere.
    const client = await connectKcp({ host: '127.0.0.1', port, sink: () => {}, statsIntervalMs: 0 });
    const echoes: string[] = [];
    client.session.on('message', (m) => echoes.push(m.toString()));
    client.session.send('HELLO demo-client-token');
    client.session.send(`move ${i}`);
    players.push({ client, echoes });
  }
  await until(() => players.every((p) => p.echoes.length === 1), 'the players’ echoes');
  const victim = players[0]!;
  for (const p of players.slice(1)) {
    p.client.session.send('BYE');
  }
  await until(() => server.sessions.size === 1, 'the players’ goodbyes');
  for (const p of players.slice(1)) await p.client.close();
  scenarios.push({ name: 'benign: 3 players handshake, play and leave', datagrams: 0 });

  // Spoofed conversation: another address sends segments with the victim's live conv.
  const spoofer = await socketOn();
  for (let sn = 0; sn < 3; sn++)
    await send(spoofer, port, segment(victim.client.session.conv, 81, sn, Buffer.from('steal')));
  scenarios.push({
    name: "conv spoofing: 3 segments with a live player's conv from another address",
    datagrams: 3,
  });

  // A client with a session that then sends segments of a foreign conv (forged/misrouted traffic).
  const forger = await socketOn();
  const forgerConv = 0x5eed0001;
  const hello = segment(forgerConv, 82, 0); // an ACK: valid KCP, opens a session
  await send(forger, port, hello);
  for (let sn = 1; sn <= 25; sn++)
    await send(forger, port, segment(0xbad00000 + sn, 81, sn, Buffer.from('x')));
  scenarios.push({
    name: 'forged segments: 25 foreign convs at a live session (ikcp_input -1)',
    datagrams: 26,
  });

  // A prober sending garbage: HTTP, truncated headers, unknown commands.
  const prober = await socketOn();
  let garbage = 0;
  for (let i = 0; i < 9; i++) {
    await send(prober, port, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await send(prober, port, segment(7, 99, i));
    const truncated = segment(7, 81, i);
    truncated.writeUInt32LE(1000, 20); // declares 1000 payload bytes, carries none
    await send(prober, port, truncated);
    garbage += 3;
  }
  scenarios.push({
    name: `garbage: ${garbage} datagrams (short, unknown command, bad length)`,
    datagrams: garbage,
  });

  // A flood of new peers beyond the session limit.
  const flooders: dgram.Socket[] = [];
  for (let i = 0; i < 30; i++) {
    const s = await socketOn();
    flooders.push(s);
    await send(s, port, segment(0x70000000 + i, 82, 0));
  }
  scenarios.push({ name: `new-peer flood: 30 peers against a limit of ${sessionLimit}`, datagrams: 30 });
  await until(() => server.sessions.size >= sessionLimit, 'the session table to fill');
  // Let the last datagrams be processed: one more round trip through the victim's session.
  victim.client.session.send('ping');
  await until(() => victim.echoes.includes('ping'), 'the victim still being served');
  victim.client.session.send('BYE');
  await until(
    () => !server.sessions.has(`127.0.0.1|${victim.client.session.local.port}`),
    'the victim’s goodbye',
  );
  await victim.client.close();
  for (const s of [spoofer, forger, prober, ...flooders]) s.close();
  return { scenarios, server };
}
