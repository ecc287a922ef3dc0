import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ItemService } from '../domain/items';
import { errorResponses, jsonContent, tags, timestamp } from '../http/openapi';
import { decimalInteger, refuseInvalidRequest } from '../http/validation';

/**
 * The white space String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), spelled out rather
 * than `\s`, which means other characters to other regex engines (Python's counts \x1c-\x1f): the document's
 * pattern then accepts exactly what the service does.
 */
const trimmedSpace = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
// Postgres text cannot hold NUL: refusing it here keeps it a 422 instead of a database error.
const notBlankNorNul = new RegExp(`^[^\\u0000]*[^\\u0000${trimmedSpace}][^\\u0000]*$`);
const nameLength = 200;
/** Stored trimmed. Its length counts characters (code points), as JSON Schema's maxLength does, not UTF-16 units. */
const name = z
  .string()
  .regex(notBlankNorNul, { message: 'must contain a character other than white space, and no NUL character' })
  .refine((value) => [...value].length <= nameLength, { message: `must be at most ${nameLength} characters` })
  .openapi({ minLength: 1, maxLength: nameLength })
  .transform((value) => value.trim());
const priceCents = z.number().int().min(0).max(100_000_000);
const stock = z.number().int().min(0).max(1_000_000_000);

const newItem = z.strictObject({ name, priceCents, stock }).openapi('NewItem');
const itemChanges = z
  .strictObject({ name: name.optional(), priceCents: priceCents.optional(), stock: stock.optional() })
  .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one of name, priceCents, stock is required' })
  .openapi('ItemChanges', { minProperties: 1 });

export const itemSchema = z
  .object({
    id: z.number().int().min(1),
    name: z.string(),
    priceCents: z.number().int().min(0),
    stock: z.number().int().min(0),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi('Item');

const itemPage = z
  .object({
    items: z.array(itemSchema),
    nextCursor: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page; null on the last page' }),
  })
  .openapi('ItemPage');

export const idParam = z.object({ id: decimalInteger(1, Number.MAX_SAFE_INTEGER).openapi({ param: { name: 'id', in: 'path' } }) });
const listQuery = z.object({
  limit: decimalInteger(1, 100).default(20).openapi({ param: { name: 'limit', in: 'query' }, default: 20 }),
  cursor: z.string().min(1).max(64).optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'the `nextCursor` of the previous page' }),
});

const itemNotFound = { 404: errorResponses.jsonError('`not_found`: no item has this id') };

const itemLinks = {
  getItem: { operationId: 'getItem', parameters: { id: '$response.body#/id' } },
  updateItem: { operationId: 'updateItem', parameters: { id: '$response.body#/id' } },
  deleteItem: { operationId: 'deleteItem', parameters: { id: '$response.body#/id' } },
};

const createItem = createRoute({
  operationId: 'createItem',
  method: 'post',
  path: '/',
  tags: [tags.items],
  request: { body: { content: jsonContent(newItem), required: true } },
  responses: {
    201: { description: 'the item as stored', content: jsonContent(itemSchema), links: itemLinks },
    ...errorResponses.invalidBody,
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

const listItems = createRoute({
  operationId: 'listItems',
  method: 'get',
  path: '/',
  tags: [tags.items],
  description: 'Keyset pagination by id: stable under concurrent inserts.',
  request: { query: listQuery },
  responses: {
    200: { description: 'a page of items in id order', content: jsonContent(itemPage) },
    ...errorResponses.invalidParameters,
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

const getItem = createRoute({
  operationId: 'getItem',
  method: 'get',
  path: '/{id}',
  tags: [tags.items],
  description: 'Read through a Redis cache, invalidated on every write.',
  request: { params: idParam },
  responses: {
    200: { description: 'the item', content: jsonContent(itemSchema) },
    ...errorResponses.invalidParameters,
    ...itemNotFound,
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

const updateItem = createRoute({
  operationId: 'updateItem',
  method: 'patch',
  path: '/{id}',
  tags: [tags.items],
  request: { params: idParam, body: { content: jsonContent(itemChanges), required: true } },
  responses: {
    200: { description: 'the item as stored after the change', content: jsonContent(itemSchema) },
    ...errorResponses.invalidBody,
    ...itemNotFound,
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

const deleteItem = createRoute({
  operationId: 'deleteItem',
  method: 'delete',
  path: '/{id}',
  tags: [tags.items],
  request: { params: idParam },
  responses: {
    204: { description: 'deleted' },
    ...errorResponses.invalidParameters,
    ...errorResponses.bodyTooLarge,
    ...itemNotFound,
    409: errorResponses.jsonError('`item_has_orders`: orders refer to the item, so it stays'),
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

export function itemRoutes(items: ItemService) {
  return new OpenAPIHono({ defaultHook: refuseInvalidRequest })
    .openapi(createItem, async (c) => c.json(await items.create(c.req.valid('json')), 201))
    .openapi(listItems, async (c) => {
      const { limit, cursor } = c.req.valid('query');
      return c.json(await items.list(limit, cursor), 200);
    })
    .openapi(getItem, async (c) => c.json(await items.get(c.req.valid('param').id), 200))
    .openapi(updateItem, async (c) => c.json(await items.update(c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(deleteItem, async (c) => {
      await items.remove(c.req.valid('param').id);
      return c.body(null, 204);
    });
}
