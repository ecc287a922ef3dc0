import { Hono } from 'hono';
import { z } from 'zod';
import type { OrderService } from '../domain/orders';
import { parseJsonBody, parseParams } from '../http/validation';
import { idParam } from './items';

const newOrder = z.strictObject({
  itemId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  quantity: z.number().int().min(1).max(10_000),
});

const idempotencyKey = z.object({
  'idempotency-key': z.string({ message: 'Idempotency-Key header is required' }).trim().min(1).max(255),
});

export function orderRoutes(orders: OrderService) {
  return new Hono()
    .post('/', async (c) => {
      const key = parseParams({ 'idempotency-key': c.req.header('idempotency-key') }, idempotencyKey)['idempotency-key'];
      const body = await parseJsonBody(c, newOrder);
      const { order, replayed } = await orders.place({ ...body, idempotencyKey: key });
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(order, 201);
    })
    .get('/:id', async (c) => c.json(await orders.get(parseParams(c.req.param(), idParam).id)));
}
