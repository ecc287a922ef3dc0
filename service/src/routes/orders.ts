import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { OrderService } from '../domain/orders';
import { errorResponses, jsonContent, tags, timestamp } from '../http/openapi';
import { refuseInvalidRequest } from '../http/validation';
import { idParam } from './items';

const newOrder = z
  .strictObject({
    itemId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    quantity: z.number().int().min(1).max(10_000),
  })
  .openapi('NewOrder');

const idempotencyKey = z.object({
  'idempotency-key': z
    .string({ message: 'Idempotency-Key header is required' })
    .max(255)
    .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, { message: 'must be 1 to 255 visible ASCII characters (spaces only between them)' })
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, description: 'one key per order: the same request with the same key returns the same order and changes nothing' }),
});

const orderSchema = z
  .object({
    id: z.number().int().min(1),
    itemId: z.number().int().min(1),
    quantity: z.number().int().min(1),
    totalCents: z.number().int().min(0),
    idempotencyKey: z.string(),
    createdAt: timestamp,
  })
  .openapi('Order');


const placeOrder = createRoute({
  operationId: 'placeOrder',
  method: 'post',
  path: '/',
  tags: [tags.orders],
  request: { headers: idempotencyKey, body: { content: jsonContent(newOrder), required: true } },
  responses: {
    201: {
      description: 'the order; a replay of an earlier request with the same key answers that order again',
      content: jsonContent(orderSchema),
      links: { getOrder: { operationId: 'getOrder', parameters: { id: '$response.body#/id' } } },
      headers: z.object({ 'Idempotent-Replayed': z.literal('true').optional().openapi({ description: 'present on a replay: nothing changed this time' }) }),
    },
    ...errorResponses.invalidBody,
    404: errorResponses.jsonError('`not_found`: no item has this id'),
    409: errorResponses.jsonError('`insufficient_stock`: the item has fewer in stock than the quantity'),
    422: errorResponses.jsonError('`invalid_fields`: the body is JSON but fields are missing, unknown or invalid; `idempotency_key_reused`: the key was used with another body'),
    ...errorResponses.serverFault,
    503: errorResponses.retryLater(
      '`database_unavailable`: Postgres is unreachable and nothing was written; `order_outcome_unknown`: the connection was lost while the order was placed: send the same request with the same key again to learn its outcome',
    ),
  },
});

const getOrder = createRoute({
  operationId: 'getOrder',
  method: 'get',
  path: '/{id}',
  tags: [tags.orders],
  request: { params: idParam },
  responses: {
    200: { description: 'the order', content: jsonContent(orderSchema) },
    ...errorResponses.invalidParameters,
    404: errorResponses.jsonError('`not_found`: no order has this id'),
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

export function orderRoutes(orders: OrderService) {
  return new OpenAPIHono({ defaultHook: refuseInvalidRequest })
    .openapi(placeOrder, async (c) => {
      const { order, replayed } = await orders.place({ ...c.req.valid('json'), idempotencyKey: c.req.valid('header')['idempotency-key'] });
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(order, 201);
    })
    .openapi(getOrder, async (c) => c.json(await orders.get(c.req.valid('param').id), 200));
}
