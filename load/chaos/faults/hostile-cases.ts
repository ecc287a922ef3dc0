/**
 * The hostile-input catalogue: malformed requests of every kind a careless or malicious client sends.
 * Each case says what a correct service answers; any 5xx is a failure on its own.
 */

/** What a correct answer to a case is. */
export type Expectation =
  /** A 4xx: the service refused the request and said why. */
  | 'rejected'
  /** A 4xx, or the connection closed by Node's HTTP parser: protocol-level garbage. */
  | 'rejected-or-closed'
  /** 413, or the upload cut off. */
  | 'too-large'
  /** Not a 2xx: an id spelled in a non-canonical way must not name a resource. */
  | 'not-resolved'
  /** 405 with an Allow header: the route exists, the method is not served. */
  | 'method-not-allowed'
  /** Anything but a 5xx (some of these are valid requests in disguise). */
  | 'survives';

export type HostileRequest =
  | { readonly kind: 'fetch'; readonly method: string; readonly path: string; readonly headers?: Record<string, string>; readonly body?: string | Uint8Array }
  | { readonly kind: 'raw'; readonly bytes: Buffer };

export interface HostileCase {
  readonly category: string;
  readonly name: string;
  readonly request: HostileRequest;
  readonly expect: Expectation;
  /** Sent once, not repeated: megabytes of body, or a request the server holds until the client gives up. */
  readonly once?: boolean;
}

export interface Reply {
  readonly status?: number;
  readonly allow?: string;
  readonly failure?: string;
}

/** Why a reply does not meet its expectation, or undefined when it does. */
export function judge(expect: Expectation, reply: Reply): string | undefined {
  const { status, failure } = reply;
  const got = status !== undefined ? String(status) : `no answer (${failure ?? 'other'})`;
  const is4xx = status !== undefined && status >= 400 && status < 500;
  switch (expect) {
    case 'rejected':
      return is4xx ? undefined : `expected a 4xx, got ${got}`;
    case 'rejected-or-closed':
      return is4xx || failure === 'reset' ? undefined : `expected a 4xx or a closed connection, got ${got}`;
    case 'too-large':
      return status === 413 || failure === 'reset' ? undefined : `expected 413, got ${got}`;
    case 'not-resolved':
      return status !== undefined && status >= 200 && status < 300 ? `a non-canonical id resolved (${got})` : status !== undefined && status >= 500 ? `got ${got}` : undefined;
    case 'method-not-allowed':
      return status === 405 && reply.allow ? undefined : `expected 405 with Allow, got ${got}${status === 405 ? ' without Allow' : ''}`;
    case 'survives':
      return status !== undefined && status >= 500 ? `got ${got}` : undefined;
  }
}

const json = (method: string, path: string, body: string, headers: Record<string, string> = {}): HostileRequest => ({
  kind: 'fetch',
  method,
  path,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

const raw = (...lines: string[]): HostileRequest => ({ kind: 'raw', bytes: Buffer.from(lines.join('\r\n'), 'latin1') });
const rawBytes = (...parts: Array<string | Buffer>): HostileRequest => ({
  kind: 'raw',
  bytes: Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))),
});

const validItem = '{"name":"hostile","priceCents":1,"stock":1}';

/**
 * @param decoy id of a decoy item by its rank (1..20): the only items hostile requests may change.
 *   Non-canonical spellings are aimed at decoys 1, 10 and 16 so that, resolved, they would hit a real item.
 */
export function hostileCases(decoy: (rank: number) => number, orderKey: () => string): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (category: string, name: string, request: HostileRequest, expect: Expectation, once = false) =>
    cases.push({ category, name, request, expect, ...(once ? { once } : {}) });
  const item = (rank: number) => `/api/items/${decoy(rank)}`;
  const order = (body: string, headers: Record<string, string> = {}) => json('POST', '/api/orders', body, { 'idempotency-key': orderKey(), ...headers });

  // Malformed JSON and JSON of the wrong shape, on every route that takes a body.
  const badJson: Array<[string, string, Expectation]> = [
    ['empty', '', 'rejected'],
    ['open brace', '{', 'rejected'],
    ['truncated', '{"name":"a","priceCents":1,"stock":1', 'rejected'],
    ['trailing garbage', '{"name":"a","priceCents":1,"stock":1}}', 'rejected'],
    ['single quotes', "{'name':'a','priceCents':1,'stock':1}", 'rejected'],
    ['null', 'null', 'rejected'],
    ['array', '[]', 'rejected'],
    ['string', '"item"', 'rejected'],
    ['number', '42', 'rejected'],
    ['true', 'true', 'rejected'],
    ['NaN literal', '{"name":"a","priceCents":NaN,"stock":1}', 'rejected'],
    ['1e400', '{"name":"a","priceCents":1e400,"stock":1}', 'rejected'],
    ['negative', '{"name":"a","priceCents":-1,"stock":1}', 'rejected'],
    ['fraction', '{"name":"a","priceCents":1.5,"stock":1}', 'rejected'],
    ['number as string', '{"name":"a","priceCents":"1","stock":1}', 'rejected'],
    ['beyond int4', '{"name":"a","priceCents":1,"stock":9007199254740993}', 'rejected'],
    ['unknown field', '{"name":"a","priceCents":1,"stock":1,"admin":true}', 'rejected'],
    ['name not a string', '{"name":{"$gt":""},"priceCents":1,"stock":1}', 'rejected'],
    ['empty name', '{"name":"   ","priceCents":1,"stock":1}', 'rejected'],
    ['__proto__', '{"__proto__":{"admin":true},"name":"a","priceCents":1,"stock":1}', 'survives'],
    ['duplicate keys', '{"name":"a","name":"b","priceCents":1,"stock":1}', 'survives'],
    ['comments', '{"name":"a", /* c */ "priceCents":1,"stock":1}', 'rejected'],
    ['byte order mark', `\ufeff${validItem}`, 'survives'],
  ];
  for (const [name, body, expect] of badJson) {
    add('bad JSON', `POST /api/items ${name}`, json('POST', '/api/items', body), expect);
    add('bad JSON', `PATCH item ${name}`, json('PATCH', item(2), body.replace('"name":"a",', '')), name === 'empty name' || name === 'duplicate keys' || name === '__proto__' || name === 'byte order mark' ? 'survives' : expect);
  }
  for (const [name, body] of [
    ['open brace', '{'],
    ['null', 'null'],
    ['itemId as string', '{"itemId":"1","quantity":1}'],
    ['quantity 0', `{"itemId":${decoy(3)},"quantity":0}`],
    ['quantity negative', `{"itemId":${decoy(3)},"quantity":-5}`],
    ['quantity fraction', `{"itemId":${decoy(3)},"quantity":0.5}`],
    ['quantity huge', `{"itemId":${decoy(3)},"quantity":1e20}`],
    ['itemId 0', '{"itemId":0,"quantity":1}'],
    ['itemId beyond safe', '{"itemId":9007199254740993,"quantity":1}'],
    ['extra field', `{"itemId":${decoy(3)},"quantity":1,"price":0}`],
  ] as const) {
    add('bad JSON', `POST /api/orders ${name}`, order(body), 'rejected');
  }
  for (const [name, body] of [
    ['open brace', '{'],
    ['workMs 0', '{"workMs":0}'],
    ['workMs string', '{"workMs":"100"}'],
    ['workMs huge', '{"workMs":1e9}'],
    ['unknown field', '{"workMs":10,"x":1}'],
    ['array', '[]'],
  ] as const) {
    add('bad JSON', `POST /simulate/heavy-task ${name}`, json('POST', '/simulate/heavy-task', body), 'rejected');
  }

  // Bodies over the 64 KiB limit, declared or streamed.
  const big = (bytes: number) => `{"name":"${'x'.repeat(bytes)}","priceCents":1,"stock":1}`;
  add('huge body', 'POST /api/items 70 KB', json('POST', '/api/items', big(70_000)), 'too-large');
  add('huge body', 'POST /api/items 1 MB', json('POST', '/api/items', big(1_000_000)), 'too-large');
  add('huge body', 'PATCH item 1 MB', json('PATCH', item(2), big(1_000_000)), 'too-large');
  add('huge body', 'POST /api/orders 1 MB', order(`{"itemId":${decoy(3)},"quantity":1,"pad":"${'x'.repeat(1_000_000)}"}`), 'too-large');
  add('huge body', 'POST /api/items 8 MB', json('POST', '/api/items', big(8_000_000)), 'too-large', true);
  add('huge body', 'Content-Length 10 MB, small body', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 10000000', '', validItem), 'too-large');
  const chunk = 'x'.repeat(16_000);
  add(
    'huge body',
    'chunked 200 KB, no Content-Length',
    rawBytes('POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', ...Array.from({ length: 13 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`), '0\r\n\r\n'),
    'too-large',
  );

  // Ids: non-canonical spellings of real decoys, and garbage.
  const nonCanonical: Array<[string, number]> = [
    ['0x10', 16], ['1e1', 10], ['+1', 1], ['1.0', 1], ['%201', 1], ['1%20', 1], ['01', 1], ['0b1', 1], ['0o1', 1], ['%2B1', 1], ['1.', 1], ['.1e1', 1], ['10e-1', 1],
  ];
  for (const [spelling, rank] of nonCanonical) {
    if (decoy(rank) !== Number(decodeURIComponent(spelling).trim())) {
      throw new Error(`hostile cases: decoy ${rank} has id ${decoy(rank)}, so ${spelling} would not aim at it`);
    }
    add('bad ids', `GET /api/items/${spelling}`, { kind: 'fetch', method: 'GET', path: `/api/items/${spelling}` }, 'not-resolved');
  }
  add('bad ids', 'PATCH /api/items/1e1', json('PATCH', '/api/items/1e1', '{"stock":5}'), 'not-resolved');
  add('bad ids', 'DELETE /api/items/0x10', { kind: 'fetch', method: 'DELETE', path: '/api/items/0x10' }, 'not-resolved');
  add('bad ids', 'DELETE /api/items/+1', { kind: 'fetch', method: 'DELETE', path: '/api/items/+1' }, 'not-resolved');
  add('bad ids', 'GET /api/orders/0x1', { kind: 'fetch', method: 'GET', path: '/api/orders/0x1' }, 'not-resolved');
  add('bad ids', 'GET /api/orders/1.0', { kind: 'fetch', method: 'GET', path: '/api/orders/1.0' }, 'not-resolved');
  for (const garbage of ['0', '-1', '-0', 'abc', 'NaN', 'Infinity', 'null', 'undefined', '9007199254740992', '99999999999999999999', '1;2', '1,2', '%00', '%ff', '%EF%BC%91', '%D9%A1', '%F0%9F%A6%84', '[1]', '%7B%7D', '1'.repeat(5_000)]) {
    add('bad ids', `GET /api/items/${garbage.slice(0, 24)}`, { kind: 'fetch', method: 'GET', path: `/api/items/${garbage}` }, 'rejected');
  }
  add('bad ids', 'GET /api/orders/abc', { kind: 'fetch', method: 'GET', path: '/api/orders/abc' }, 'rejected');
  add('bad ids', 'GET /simulate/heavy-task/not-a-uuid', { kind: 'fetch', method: 'GET', path: '/simulate/heavy-task/not-a-uuid' }, 'rejected');
  add('bad ids', 'GET /simulate/heavy-task/<unknown uuid>', { kind: 'fetch', method: 'GET', path: '/simulate/heavy-task/00000000-0000-4000-8000-000000000000' }, 'rejected');

  // Known routes with a method they do not serve.
  for (const [method, path] of [
    ['PUT', '/api/items'], ['DELETE', '/api/items'], ['PATCH', '/api/items'],
    ['PUT', item(4)], ['POST', item(4)],
    ['GET', '/api/orders'], ['PUT', '/api/orders'], ['DELETE', '/api/orders/1'], ['PATCH', '/api/orders/1'],
    ['POST', '/simulate/latency'], ['GET', '/simulate/heavy-task'], ['DELETE', '/simulate/heavy-task/00000000-0000-4000-8000-000000000000'],
    ['POST', '/health/live'], ['DELETE', '/health/ready'],
  ] as const) {
    add('wrong method', `${method} ${path}`, { kind: 'fetch', method, path, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: validItem }) }, 'method-not-allowed');
  }
  add('wrong method', 'FOO /api/items', { kind: 'fetch', method: 'FOO', path: '/api/items' }, 'rejected-or-closed');
  add('wrong method', 'TRACE /api/items', raw('TRACE /api/items HTTP/1.1', 'Host: x', '', ''), 'survives');
  add('wrong method', 'CONNECT', raw('CONNECT 127.0.0.1:22 HTTP/1.1', 'Host: x', '', ''), 'survives');
  add('wrong method', 'OPTIONS /api/items', { kind: 'fetch', method: 'OPTIONS', path: '/api/items' }, 'survives');

  // Unicode in names, paths and queries.
  for (const [name, value, expect] of [
    ['emoji', '🦄'.repeat(50), 'survives'],
    ['right-to-left override', '\u202egnp.exe', 'survives'],
    ['zero-width only', '\u200b\u200b', 'survives'],
    ['combining marks', `e${'\u0301'.repeat(150)}`, 'survives'],
    ['lone surrogate', '\ud800', 'survives'],
    ['noncharacter', '\uffff\ufffe', 'survives'],
    ['201 characters', 'a'.repeat(201), 'rejected'],
  ] as const) {
    add('unicode', `item name: ${name}`, json('POST', '/api/items', JSON.stringify({ name: value, priceCents: 1, stock: 1 })), expect);
  }
  add('unicode', 'invalid UTF-8 body', { kind: 'fetch', method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0xff, 0xfe, 0x7b, 0xc3, 0x28]) }, 'rejected');
  add('unicode', 'invalid UTF-8 inside a string', { kind: 'fetch', method: 'POST', path: '/api/items', headers: { 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('","priceCents":1,"stock":1}')]) }, 'survives');
  add('unicode', 'path /api/ítems', { kind: 'fetch', method: 'GET', path: '/api/%C3%ADtems' }, 'rejected');
  add('unicode', 'raw UTF-8 bytes in the path', rawBytes('GET /api/items/', Buffer.from('é١', 'utf8'), ' HTTP/1.1\r\nHost: x\r\n\r\n'), 'rejected-or-closed');
  add('unicode', 'query limit in Arabic-Indic digits', { kind: 'fetch', method: 'GET', path: '/api/items?limit=%D9%A5' }, 'rejected');
  add('unicode', 'Idempotency-Key in raw UTF-8', rawBytes('POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: ', Buffer.from(`ключ-${orderKey()}`, 'utf8'), `\r\nContent-Length: ${`{"itemId":${decoy(3)},"quantity":1}`.length}\r\n\r\n{"itemId":${decoy(3)},"quantity":1}`), 'survives');

  // NUL anywhere.
  add('NUL', 'NUL in a name', json('POST', '/api/items', JSON.stringify({ name: 'a\u0000b', priceCents: 1, stock: 1 })), 'rejected');
  add('NUL', 'NUL in a patched name', json('PATCH', item(2), JSON.stringify({ name: '\u0000' })), 'rejected');
  add('NUL', 'NUL in a JSON key', json('POST', '/api/items', '{"na\\u0000me":"a","priceCents":1,"stock":1}'), 'rejected');
  add('NUL', 'raw NUL byte in the body', json('POST', '/api/items', '{"name":"a\u0000","priceCents":1,"stock":1}'), 'rejected');
  add('NUL', 'NUL in the path', { kind: 'fetch', method: 'GET', path: '/api/items/%00' }, 'rejected');
  add('NUL', 'NUL after an id', { kind: 'fetch', method: 'GET', path: '/api/items/1%00' }, 'rejected');
  add('NUL', 'NUL in a cursor', { kind: 'fetch', method: 'GET', path: '/api/items?cursor=%00' }, 'rejected');
  add('NUL', 'NUL in an Idempotency-Key', raw('POST /api/orders HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Idempotency-Key: a\u0000b', 'Content-Length: 2', '', '{}'), 'rejected-or-closed');
  add('NUL', 'raw NUL in the request line', raw('GET /api/items/\u0000 HTTP/1.1', 'Host: x', '', ''), 'rejected-or-closed');

  // Deep nesting, under the body limit.
  add('deep nesting', 'array 20,000 deep', json('POST', '/api/items', `${'['.repeat(20_000)}${']'.repeat(20_000)}`), 'rejected');
  add('deep nesting', 'object 6,000 deep', json('POST', '/api/items', `${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}`), 'rejected');
  add('deep nesting', 'nested name', json('POST', '/api/items', `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)},"priceCents":1,"stock":1}`), 'rejected');
  add('deep nesting', 'unclosed 60,000 deep', json('POST', '/api/items', '['.repeat(60_000)), 'rejected');
  add('deep nesting', 'order nested 10,000 deep', order(`{"itemId":${'['.repeat(10_000)}${']'.repeat(10_000)},"quantity":1}`), 'rejected');
  add('deep nesting', 'PATCH nested 20,000 deep', json('PATCH', item(2), `{"stock":${'['.repeat(20_000)}${']'.repeat(20_000)}}`), 'rejected');

  // Content types that are not JSON (or are JSON in another charset or encoding).
  const typed = (type: string, body: string | Uint8Array, headers: Record<string, string> = {}): HostileRequest => ({
    kind: 'fetch',
    method: 'POST',
    path: '/api/items',
    headers: { 'content-type': type, ...headers },
    body,
  });
  add('content type', 'text/plain with JSON', typed('text/plain', validItem), 'survives');
  add('content type', 'form-urlencoded', typed('application/x-www-form-urlencoded', 'name=a&priceCents=1&stock=1'), 'rejected');
  add('content type', 'multipart', typed('multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\na\r\n--x--\r\n'), 'rejected');
  add('content type', 'XML', typed('application/xml', '<item><name>a</name></item>'), 'rejected');
  add('content type', 'UTF-16 JSON', typed('application/json; charset=utf-16', new Uint8Array(Buffer.from(validItem, 'utf16le'))), 'survives');
  add('content type', 'gzip-encoded JSON claimed', typed('application/json', validItem, { 'content-encoding': 'gzip' }), 'survives');
  add('content type', 'garbage type', typed(';;;/;;', validItem), 'survives');

  // Header abuse.
  const validOrder = `{"itemId":${decoy(3)},"quantity":1}`;
  add('headers', 'Idempotency-Key 300 characters', json('POST', '/api/orders', validOrder, { 'idempotency-key': 'k'.repeat(300) }), 'rejected');
  add('headers', 'Idempotency-Key blank', json('POST', '/api/orders', validOrder, { 'idempotency-key': '   ' }), 'rejected');
  add('headers', 'no Idempotency-Key', json('POST', '/api/orders', validOrder), 'rejected');
  add('headers', '100 KB cookie', { kind: 'fetch', method: 'GET', path: item(5), headers: { cookie: 'c='.concat('x'.repeat(100_000)) } }, 'rejected-or-closed');
  add('headers', '300 headers', { kind: 'fetch', method: 'GET', path: item(5), headers: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h-${i}`, 'v'])) }, 'survives');
  for (const traceparent of ['garbage', `00-${'g'.repeat(32)}-${'1'.repeat(16)}-01`, `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`, `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01-extra`, 'x'.repeat(8_000)]) {
    add('headers', `traceparent ${traceparent.slice(0, 20)}`, { kind: 'fetch', method: 'GET', path: item(5), headers: { traceparent } }, 'survives');
  }
  add('headers', 'tracestate 10 KB', { kind: 'fetch', method: 'GET', path: item(5), headers: { tracestate: `a=${'b'.repeat(10_000)}` } }, 'survives');
  add('headers', 'baggage 8 KB', { kind: 'fetch', method: 'GET', path: item(5), headers: { baggage: `k=${'v'.repeat(8_000)}` } }, 'survives');
  add('headers', 'header without a colon', raw('GET /api/items HTTP/1.1', 'Host: x', 'NoColonHere', '', ''), 'rejected-or-closed');
  add('headers', 'space before the colon', raw('GET /api/items HTTP/1.1', 'Host : x', '', ''), 'rejected-or-closed');
  add('headers', 'two different Content-Lengths', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 5', `Content-Length: ${validItem.length}`, '', validItem), 'rejected-or-closed');
  add('headers', 'Content-Length and chunked (smuggling)', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', `Content-Length: ${validItem.length}`, 'Transfer-Encoding: chunked', '', validItem), 'rejected-or-closed');
  add('headers', 'Transfer-Encoding gzip', raw('POST /api/items HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip', '', validItem), 'rejected-or-closed');
  add('headers', 'bad chunk size', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Transfer-Encoding: chunked', '', 'zz', validItem, '0', '', ''), 'rejected-or-closed');
  add('headers', 'negative Content-Length', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Length: -1', '', ''), 'rejected-or-closed');
  add('headers', 'Content-Length 1e3', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Length: 1e3', '', ''), 'rejected-or-closed');
  add('headers', 'no Host in HTTP/1.1', raw('GET /api/items HTTP/1.1', '', ''), 'rejected-or-closed');
  add('headers', 'obsolete line folding', raw('GET /api/items HTTP/1.1', 'Host: x', 'X-Folded: a', ' b', '', ''), 'survives');
  add('headers', 'Content-Length longer than the body', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 500', '', validItem), 'survives', true);
  add('headers', 'Expect: 100-continue', raw('POST /api/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Expect: 100-continue', `Content-Length: ${validItem.length}`, '', validItem), 'survives');
  add('headers', 'Upgrade: websocket', raw('GET /api/items HTTP/1.1', 'Host: x', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', '', ''), 'survives');
  add('protocol', 'garbage request line', raw('GARBAGE', '', ''), 'rejected-or-closed');
  add('protocol', 'HTTP/1.0 without Host', raw('GET /api/items?limit=1 HTTP/1.0', '', ''), 'survives');
  add('protocol', 'HTTP/2.0 in an HTTP/1 request line', raw('GET /api/items HTTP/2.0', 'Host: x', '', ''), 'survives');
  add('protocol', 'HTTP/2 connection preface', raw('PRI * HTTP/2.0', '', 'SM', '', ''), 'survives');
  add('protocol', 'absolute-form target', raw('GET http://evil.example/api/items?limit=1 HTTP/1.1', 'Host: x', '', ''), 'survives');
  add('protocol', 'bare LF line ends', rawBytes('GET /api/items?limit=1 HTTP/1.1\nHost: x\n\n'), 'survives');
  add('protocol', '100 KB URL', { kind: 'fetch', method: 'GET', path: `/api/items?cursor=${'a'.repeat(100_000)}` }, 'rejected-or-closed');
  add('protocol', 'two pipelined requests', raw('GET /api/items?limit=1 HTTP/1.1', 'Host: x', '', `GET ${item(5)} HTTP/1.1`, 'Host: x', '', ''), 'survives');

  // Query strings.
  for (const [path, expect] of [
    ['/api/items?limit=0', 'rejected'], ['/api/items?limit=-1', 'rejected'], ['/api/items?limit=101', 'rejected'], ['/api/items?limit=abc', 'rejected'],
    ['/api/items?limit=1e999', 'rejected'], ['/api/items?limit=1&limit=2', 'survives'], ['/api/items?limit=', 'survives'],
    ['/api/items?cursor=garbage', 'rejected'], [`/api/items?cursor=${'x'.repeat(65)}`, 'rejected'], ['/api/items?cursor=aWQ6LTE', 'rejected'],
    ['/api/items?cursor=aWQ6MTIzNDU2Nzg5MDEyMzQ1Ng', 'rejected'],
    ['/simulate/latency?ms=-1', 'rejected'], ['/simulate/latency?ms=abc', 'rejected'], ['/simulate/latency?ms=99999999', 'rejected'], ['/simulate/latency?ms=1&jitter=-5', 'rejected'],
    ['/simulate/error?rate=abc', 'rejected'], ['/simulate/error?rate=-1', 'rejected'], ['/simulate/error?rate=2', 'rejected'],
    ['/simulate/slow-query?ms=-1', 'rejected'], ['/simulate/slow-query?ms=999999', 'rejected'],
  ] as const) {
    add('query', `GET ${path.slice(0, 60)}`, { kind: 'fetch', method: 'GET', path }, expect);
  }
  return cases;
}
