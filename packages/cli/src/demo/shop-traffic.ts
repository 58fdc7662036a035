// Drives the example shop with benign users and attacks, over real HTTP. The traffic plays the part
// of a reverse proxy on loopback (the shop trusts it), so each simulated client gets its own address
// through X-Forwarded-For; addresses are from the documentation ranges (RFC 5737).
/** Fake secrets the traffic plants in the shop's logs; none of them may reach the wire. */
export const plantedSecrets = [
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_abcdefABCDEF0123456789abcdefABCDEF0123',
  '4111 1111 1111 1111',
  'demo-password-alice',
  'leaked-7',
];

export interface ShopScenario {
  name: string;
  requests: number;
}

interface Call {
  method?: string;
  path: string;
  from: string;
  body?: unknown;
  token?: string;
}

export async function driveShop(baseUrl: string): Promise<ShopScenario[]> {
  const scenarios: ShopScenario[] = [];
  let count = 0;
  const call = async ({ method = 'GET', path, from, body, token }: Call) => {
    count++;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'x-forwarded-for': from,
        'user-agent': 'logward-demo/1.0',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  const login = async (username: string, password: string, from: string) => {
    const res = await call({ method: 'POST', path: '/login', from, body: { username, password } });
    return res.status === 200 ? (JSON.parse(res.text) as { token: string }).token : undefined;
  };
  const scenario = async (name: string, fn: () => Promise<void>) => {
    const start = count;
    await fn();
    scenarios.push({ name, requests: count - start });
  };

  const tokens: Record<string, string> = {};
  await scenario('benign: customers log in, browse and order', async () => {
    for (const [user, from] of [
      ['alice', '192.0.2.10'],
      ['bob', '192.0.2.11'],
      ['carol', '192.0.2.12'],
      ['mallory', '192.0.2.66'],
      ['admin', '192.0.2.1'],
    ] as const) {
      tokens[user] = (await login(user, `demo-password-${user}`, from))!;
      await call({ path: '/products', from, token: tokens[user] });
    }
    await call({ path: '/orders/1001', from: '192.0.2.10', token: tokens.alice });
    await call({
      method: 'POST',
      path: '/orders',
      from: '192.0.2.11',
      token: tokens.bob,
      body: { quantity: 2 },
    });
  });
  await scenario('brute force: 12 wrong passwords for alice from one address', async () => {
    for (let i = 0; i < 12; i++) await login('alice', `guess-${i}`, '203.0.113.50');
  });
  await scenario('credential stuffing: 24 leaked username/password pairs from one address', async () => {
    for (let i = 0; i < 24; i++) await login(`user${i}@example.com`, `leaked-${i}`, '198.51.100.77');
  });
  await scenario("authorization probing: a customer walks the admin API and others' orders", async () => {
    for (let id = 1; id <= 6; id++)
      await call({ path: `/admin/users/${id}`, from: '192.0.2.66', token: tokens.mallory });
    await call({ path: '/orders/1002', from: '192.0.2.66', token: tokens.mallory });
  });
  await scenario('privilege change: the admin makes bob an admin', async () => {
    await call({
      method: 'POST',
      path: '/admin/users/bob/role',
      from: '192.0.2.1',
      token: tokens.admin,
      body: { role: 'admin' },
    });
  });
  await scenario('secrets in logs: a support ticket with pasted keys', async () => {
    await call({
      method: 'POST',
      path: '/support',
      from: '192.0.2.12',
      token: tokens.carol,
      body: {
        message: `deploy fails, my config is aws_access_key_id=${plantedSecrets[0]} and the CI token ${plantedSecrets[1]}, card ${plantedSecrets[2]}`,
      },
    });
  });
  await scenario('input fuzzing: 22 malformed orders', async () => {
    for (let i = 0; i < 22; i++) {
      await call({
        method: 'POST',
        path: '/orders',
        from: '203.0.113.99',
        token: tokens.bob,
        body: { quantity: i % 2 ? -1 : "1' OR '1'='1" },
      });
    }
  });
  await scenario('scraping: 16 searches against a limit of 5 per 10 s', async () => {
    for (let i = 0; i < 16; i++) await call({ path: `/search?q=item${i}`, from: '203.0.113.7' });
  });
  return scenarios;
}
