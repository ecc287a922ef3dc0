import { Hono } from 'hono';
import { z } from 'zod';
import type { ItemService } from '../domain/items';
import { decimalInteger, parseJsonBody, parseParams } from '../http/validation';

// Postgres text cannot hold NUL: refusing it here keeps it a 422 instead of a database error.
const name = z.string().trim().min(1).max(200).refine((value) => !value.includes('\0'), { message: 'must not contain NUL characters' });
const priceCents = z.number().int().min(0).max(100_000_000);
const stock = z.number().int().min(0).max(1_000_000_000);

const newItem = z.strictObject({ name, priceCents, stock });
const itemChanges = z
  .strictObject({ name: name.optional(), priceCents: priceCents.optional(), stock: stock.optional() })
  .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one of name, priceCents, stock is required' });

export const idParam = z.object({ id: decimalInteger(1, Number.MAX_SAFE_INTEGER) });
const listQuery = z.object({
  limit: decimalInteger(1, 100).default(20),
  cursor: z.string().min(1).max(64).optional(),
});

export function itemRoutes(items: ItemService) {
  return new Hono()
    .post('/', async (c) => c.json(await items.create(await parseJsonBody(c, newItem)), 201))
    .get('/', async (c) => {
      const { limit, cursor } = parseParams(c.req.query(), listQuery);
      return c.json(await items.list(limit, cursor));
    })
    .get('/:id', async (c) => c.json(await items.get(parseParams(c.req.param(), idParam).id)))
    .patch('/:id', async (c) => {
      const { id } = parseParams(c.req.param(), idParam);
      return c.json(await items.update(id, await parseJsonBody(c, itemChanges)));
    })
    .delete('/:id', async (c) => {
      await items.remove(parseParams(c.req.param(), idParam).id);
      return c.body(null, 204);
    });
}
