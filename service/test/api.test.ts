import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { jsonRequest, type RunningService } from './support/service-process';
import { startServiceStack, type ServiceStack } from './support/stack';

let stack: ServiceStack;
let service: RunningService;

before(async () => {
  stack = await startServiceStack();
  ({ service } = stack);
});

after(() => stack?.dispose());

async function createItem(body: Record<string, unknown> = { name: 'kettle', priceCents: 2599, stock: 5 }) {
  const response = await service.fetch('/api/items', jsonRequest('POST', body));
  assert.equal(response.status, 201);
  return (await response.json()) as { id: number; name: string; priceCents: number; stock: number };
}

describe('items', () => {
  it('creates, reads, updates and deletes an item', async () => {
    const item = await createItem();
    assert.ok(item.id > 0);
    const read = await service.fetch(`/api/items/${item.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(((await read.json()) as { name: string }).name, 'kettle');

    const patched = await service.fetch(`/api/items/${item.id}`, jsonRequest('PATCH', { priceCents: 1999 }));
    assert.equal(patched.status, 200);
    // The read after the write must not come from a stale cache entry.
    const reread = (await (await service.fetch(`/api/items/${item.id}`)).json()) as { priceCents: number };
    assert.equal(reread.priceCents, 1999);

    assert.equal((await service.fetch(`/api/items/${item.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await service.fetch(`/api/items/${item.id}`)).status, 404);
  });

  it('pages through items with a keyset cursor, without duplicates or gaps', async () => {
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await createItem({ name: `page-item-${i}`, priceCents: 100, stock: 1 }));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const page = (await (await service.fetch(`/api/items${query}`)).json()) as { items: Array<{ id: number }>; nextCursor: string | null };
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    for (const item of created) assert.ok(seen.includes(item.id), `item ${item.id} missing from pages`);
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and a JSON body', async () => {
    const response = await service.fetch('/api/items', jsonRequest('POST', '{"name": "x",'));
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'malformed_json');
  });

  it('answers invalid fields with 422 naming each field', async () => {
    const response = await service.fetch('/api/items', jsonRequest('POST', { name: '', priceCents: -1, stock: 1.5, colour: 'red' }));
    assert.equal(response.status, 422);
    const body = (await response.json()) as { error: { details: Array<{ field: string }> } };
    const fields = body.error.details.map((d) => d.field);
    for (const field of ['name', 'priceCents', 'stock']) assert.ok(fields.includes(field), `${field} not named in ${JSON.stringify(fields)}`);
  });

  it('answers invalid parameters with 400 and unknown routes with 404, all JSON', async () => {
    for (const [path, status] of [
      ['/api/items/abc', 400],
      ['/api/items?limit=0', 400],
      ['/api/items?cursor=bm9wZQ', 400],
      ['/simulate/latency?ms=999999', 400],
      ['/simulate/error?rate=2', 400],
      ['/simulate/heavy-task/not-a-uuid', 400],
      ['/no/such/route', 404],
    ] as const) {
      const response = await service.fetch(path);
      assert.equal(response.status, status, path);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/, path);
      assert.ok(((await response.json()) as { error?: { code?: string } }).error?.code, path);
    }
  });

  it('refuses every spelling of an id or number but the canonical one, and never acts on another item', async () => {
    const sixteen = await createItem({ name: 'canonical', priceCents: 1, stock: 1 });
    const spellings = ['0x10', '1e1', '+1', '1.0', '%201', '01', '1%20', '-1', '0b1', '0o7', 'Infinity', '1_000', `${'9'.repeat(17)}`];
    for (const spelling of spellings) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const response = await service.fetch(`/api/items/${spelling}`, method === 'PATCH' ? jsonRequest('PATCH', { stock: 0 }) : { method });
        assert.equal(response.status, 400, `${method} /api/items/${spelling}`);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_parameters');
      }
    }
    for (const query of ['limit=1e1', 'limit=0x10', 'limit=+5', 'limit=5.0']) {
      assert.equal((await service.fetch(`/api/items?${query}`)).status, 400, query);
    }
    for (const query of ['ms=1e1', 'ms=0x10', 'ms=+5']) assert.equal((await service.fetch(`/simulate/latency?${query}`)).status, 400, query);
    for (const query of ['rate=.5', 'rate=5e-1', 'rate=0x0']) assert.equal((await service.fetch(`/simulate/error?${query}`)).status, 400, query);
    assert.equal((await service.fetch('/simulate/error?rate=0.0')).status, 200);
    assert.equal((await service.fetch(`/api/items/${sixteen.id}`)).status, 200, 'the item is untouched');
  });

  it('answers a known route called with a method it does not serve with 405 and Allow', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/api/items/1', 'DELETE, GET, HEAD, PATCH'],
      ['DELETE', '/api/items', 'GET, HEAD, POST'],
      ['GET', '/simulate/heavy-task', 'POST'],
      ['POST', '/api/orders/7', 'GET, HEAD'],
      ['POST', '/health/ready', 'GET, HEAD'],
    ] as const) {
      const response = await service.fetch(path, { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow, `${method} ${path}`);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'method_not_allowed');
    }
    assert.equal((await service.fetch('/api/nothing', { method: 'PUT' })).status, 404);
    // Routes are strict about a trailing slash: such a path does not exist under any method.
    assert.equal((await service.fetch('/api/items/')).status, 404);
    assert.equal((await service.fetch('/api/items/5/', { method: 'PUT' })).status, 404);
  });

  it('answers values the database cannot store with 422, not 500', async () => {
    const response = await service.fetch('/api/items', jsonRequest('POST', { name: 'nul\u0000byte', priceCents: 1, stock: 1 }));
    assert.equal(response.status, 422);
    assert.equal(((await response.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]?.field, 'name');
  });

  it('refuses an oversized body with 413 and Connection: close, so a keep-alive client is not reset next', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; text: string; connection?: string }>((resolve, reject) => {
        const request = http.request(`${service.baseUrl}${path}`, { method, agent, headers: { 'content-type': 'application/json' } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text, connection: response.headers.connection }));
        });
        request.on('error', reject);
        request.end(body);
      });
    try {
      for (const size of [200_000, 1_000_000]) {
        const refused = await send('POST', '/api/items', JSON.stringify({ name: 'x'.repeat(size), priceCents: 1, stock: 1 }));
        assert.equal(refused.status, 413);
        assert.equal(refused.connection, 'close');
        assert.equal((JSON.parse(refused.text) as { error: { code: string } }).error.code, 'payload_too_large');
        // The one pooled socket: had the agent kept the refused one, this request would be reset.
        assert.equal((await send('GET', '/api/items?limit=1')).status, 200);
      }
    } finally {
      agent.destroy();
    }
  });

  it('refuses to delete an item that has orders with 409', async () => {
    const item = await createItem();
    const order = await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, { 'idempotency-key': `del-${item.id}` }));
    assert.equal(order.status, 201);
    assert.equal((await service.fetch(`/api/items/${item.id}`, { method: 'DELETE' })).status, 409);
  });
});

describe('orders', () => {
  it('requires an Idempotency-Key header', async () => {
    const item = await createItem();
    const response = await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }));
    assert.equal(response.status, 400);
  });

  it('replays an order with the same key and changes nothing', async () => {
    const item = await createItem({ name: 'replayed', priceCents: 500, stock: 10 });
    const request = () => service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 3 }, { 'idempotency-key': `replay-${item.id}` }));
    const first = await request();
    const second = await request();
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    const [a, b] = (await Promise.all([first.json(), second.json()])) as Array<{ id: number; totalCents: number }>;
    assert.deepEqual(a, b);
    assert.equal(a!.totalCents, 1500);
    const stock = ((await (await service.fetch(`/api/items/${item.id}`)).json()) as { stock: number }).stock;
    assert.equal(stock, 7);
    const fetched = await service.fetch(`/api/orders/${a!.id}`);
    assert.deepEqual(await fetched.json(), a);
  });

  it('rejects a reused key with a different body with 422', async () => {
    const item = await createItem();
    const key = { 'idempotency-key': `reuse-${item.id}` };
    assert.equal((await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, key))).status, 201);
    assert.equal((await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 2 }, key))).status, 422);
  });

  it('answers 409 when stock is insufficient and 404 for an unknown item', async () => {
    const item = await createItem({ name: 'scarce', priceCents: 100, stock: 1 });
    const tooMany = await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 2 }, { 'idempotency-key': `scarce-${item.id}` }));
    assert.equal(tooMany.status, 409);
    const missing = await service.fetch('/api/orders', jsonRequest('POST', { itemId: 99_999_999, quantity: 1 }, { 'idempotency-key': 'missing-item' }));
    assert.equal(missing.status, 404);
  });

  it('totals a large order beyond 32-bit cents', async () => {
    const item = await createItem({ name: 'expensive', priceCents: 100_000_000, stock: 200 });
    const response = await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 100 }, { 'idempotency-key': `large-${item.id}` }));
    assert.equal(response.status, 201);
    assert.equal(((await response.json()) as { totalCents: number }).totalCents, 10_000_000_000);
  });

  it('never oversells under concurrent orders', async () => {
    const stock = 10;
    const item = await createItem({ name: 'contended', priceCents: 100, stock });
    const attempts = 40;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, { 'idempotency-key': `contended-${item.id}-${i}` })),
      ),
    );
    const statuses = responses.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, stock, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, attempts - stock, JSON.stringify(statuses));
    const left = ((await (await service.fetch(`/api/items/${item.id}`)).json()) as { stock: number }).stock;
    assert.equal(left, 0);
  });

  it('creates exactly one order when the same key races with itself', async () => {
    const item = await createItem({ name: 'raced', priceCents: 100, stock: 100 });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, { 'idempotency-key': `race-${item.id}` })),
      ),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ id: number }>;
    assert.ok(responses.every((r) => r.status === 201), JSON.stringify(responses.map((r) => r.status)));
    assert.equal(new Set(bodies.map((b) => b.id)).size, 1);
    const left = ((await (await service.fetch(`/api/items/${item.id}`)).json()) as { stock: number }).stock;
    assert.equal(left, 99);
  });
});

describe('failure simulation', () => {
  it('delays by the requested latency', async () => {
    const started = performance.now();
    const response = await service.fetch('/simulate/latency?ms=150&jitter=0');
    assert.equal(response.status, 200);
    assert.ok(performance.now() - started >= 145);
  });

  it('fails at the requested rate with JSON 500s', async () => {
    assert.equal((await service.fetch('/simulate/error?rate=1')).status, 500);
    assert.equal((await service.fetch('/simulate/error?rate=0')).status, 200);
  });

  it('runs a real slow SQL statement', async () => {
    const started = performance.now();
    assert.equal((await service.fetch('/simulate/slow-query?ms=200')).status, 200);
    assert.ok(performance.now() - started >= 195);
  });

  it('bounds concurrent slow queries so they cannot starve the pool, answering 429 beyond', async () => {
    // The test service runs the default pool of 10: two slow queries at once, a third is refused.
    const running = [service.fetch('/simulate/slow-query?ms=600'), service.fetch('/simulate/slow-query?ms=600')];
    await new Promise((resolve) => setTimeout(resolve, 150));
    const refused = await service.fetch('/simulate/slow-query?ms=600');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'too_many_slow_queries');
    assert.equal((await service.fetch('/health/ready')).status, 200, 'readiness still answers');
    for (const response of await Promise.all(running)) assert.equal(response.status, 200);
  });

  it('accepts a heavy task, runs it in the background and reports its state', async () => {
    const accepted = await service.fetch('/simulate/heavy-task', jsonRequest('POST', { workMs: 100 }));
    assert.equal(accepted.status, 202);
    const { taskId } = (await accepted.json()) as { taskId: string };
    const deadline = Date.now() + 10_000;
    let status = '';
    while (Date.now() < deadline && status !== 'succeeded') {
      status = ((await (await service.fetch(`/simulate/heavy-task/${taskId}`)).json()) as { status: string }).status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 'succeeded');
  });
});

describe('health', () => {
  it('reports live and ready', async () => {
    assert.equal((await service.fetch('/health/live')).status, 200);
    const ready = await service.fetch('/health/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', checks: { database: 'ok', cache: 'ok' } });
  });
});
