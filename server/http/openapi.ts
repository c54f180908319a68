/** The OpenAPI 3.1 document, generated from the route declarations and their zod schemas. */
import { z, type ZodType } from 'zod';
import type { AnyRoute } from './route';

function jsonSchema(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
    delete s.$schema;
    return s;
  } catch {
    return {};
  }
}

export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

function accessText(route: AnyRoute): string {
  const a = route.access;
  switch (a.kind) {
    case 'public':
      return 'Без входа.';
    case 'signedIn':
      return 'Любой вошедший пользователь.';
    default:
      return `Роли: ${a.roles.join(', ')}. Только в пределах своей организации и нижестоящих (иначе 404).${a.personalData ? ' Персональные данные: требуется отмеченное обязательство о неразглашении (иначе 403).' : ''}`;
  }
}

export function buildOpenApi(routes: readonly AnyRoute[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = { description: 'Ошибка (application/problem+json)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  for (const r of routes) {
    const p = '/api/v1' + openApiPath(r.path);
    const parameters: unknown[] = [];
    if (r.params) {
      const s = jsonSchema(r.params, 'input') as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(s.properties ?? {})) parameters.push({ name, in: 'path', required: true, schema });
    }
    if (r.query) {
      const s = jsonSchema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(s.properties ?? {})) {
        parameters.push({ name, in: 'query', required: (s.required ?? []).includes(name), schema });
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      description: accessText(r),
      tags: [r.tag],
      operationId: `${r.method}${openApiPath(r.path).replace(/[{}]/g, '').replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase()).replace(/[^\w]/g, '')}`,
      ...(r.access.kind === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      responses: {
        [r.response.status]: {
          description: r.response.description,
          ...(r.response.schema
            ? { content: { 'application/json': { schema: jsonSchema(r.response.schema, 'output') } } }
            : r.response.contentType
              ? { content: { [r.response.contentType]: { schema: { type: 'string', format: 'binary' } } } }
              : {}),
        },
        '4XX': problem,
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
    if (r.rawBody) op.requestBody = { required: true, content: Object.fromEntries(r.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
    (paths[p] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Единый реестр Профсоюза — API',
      version: info.version,
      description: 'API сервера реестра: организации, паспорта ППО, учётные записи, члены Профсоюза, документы, ЭПБ, ход внедрения. Ошибки — application/problem+json с перечнем полей.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
