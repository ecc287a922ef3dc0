import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { errorResponses, tags } from './openapi';

const info = {
  title: 'shop-api',
  version: '1.0.0',
  description:
    'The lab\'s shop backend and its failure simulations. Errors are JSON (`Error`); times are RFC 3339; ids and numbers in paths and queries are plain base-10 integers within the stated range.',
};

const documentRoute = createRoute({
  operationId: 'apiDocument',
  method: 'get',
  path: '/openapi.json',
  tags: [tags.meta],
  description: 'This document (OpenAPI 3.1).',
  responses: {
    200: { description: 'the OpenAPI document', content: { 'application/json': { schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) } } },
    ...errorResponses.serverFault,
  },
});

export const apiDocumentPath = documentRoute.path;

/**
 * Serves the OpenAPI 3.1 document of every route `app` has, itself included. It is built on the first request,
 * when every route is registered (they do not change after start-up), so it may be mounted ahead of them.
 */
export function serveApiDocument(app: OpenAPIHono) {
  app.openAPIRegistry.registerPath(documentRoute);
  const document = () => app.getOpenAPI31Document({ openapi: '3.1.0', info });
  let generated: ReturnType<typeof document> | undefined;
  app.get(apiDocumentPath, (c) => c.json((generated ??= document()), 200));
}
