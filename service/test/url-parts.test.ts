import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { urlParts } from '../src/telemetry/url-parts';

// Serialised URLs as @hono/node-server hands them over: its fast path (`scheme://host` + request target) and
// what `new URL(...).href` gives for everything else.
const hrefs = [
  'http://127.0.0.1:3000/api/items/42',
  'http://localhost:8080/api/items?limit=20&cursor=abc',
  'http://localhost:8080/api/items?',
  'http://shop.lab.local/api/orders',
  'http://shop.lab.local',
  'http://shop.lab.local/',
  'https://shop.lab.local:8443/a/b/c?x=1#frag',
  'http://localhost:3000/search#only-a-fragment',
  'http://localhost:3000/p?q=a?b',
  'http://[::1]:3000/api/items/1?limit=5',
  'http://[::1]/health',
  'http://user:secret@example.com:9000/x?y',
  'http://localhost:3000/%7Efoo/%20bar?q=%2F',
  'http://LOCALHOST:3000/API/Items', // serialised with a lower-case host, as hono's fallback gives it
  'http://localhost:3000//double//slash',
];

describe('urlParts', () => {
  for (const raw of hrefs) {
    // The href a caller sees is already serialised: compare on that.
    const href = new URL(raw).href;
    it(`splits ${href} as new URL does`, () => {
      const url = new URL(href);
      assert.deepEqual(urlParts(href), { path: url.pathname, query: url.search.slice(1), hostname: url.hostname, port: url.port });
    });
  }

  it('reads the fast-path form @hono/node-server builds without normalising (scheme://Host + target)', () => {
    // Its fast path only takes a lower-case host with a 4-5 digit port and a target with no dot segment or %.
    assert.deepEqual(urlParts('http://shop-api:3000/api/items/7?x=1#f'), { path: '/api/items/7', query: 'x=1', hostname: 'shop-api', port: '3000' });
  });
});
