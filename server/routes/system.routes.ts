import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route';

export function systemRoutes(openApi: () => unknown): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      summary: 'Проверка работы сервера и базы данных',
      tag: 'system',
      access: { kind: 'public' },
      response: { status: 200, description: 'Сервер и база данных работают', schema: z.object({ status: z.literal('ok'), database: z.string() }) },
      handler: async ({ ctx }) => {
        await ctx.db.sequelize.query('SELECT 1');
        return { status: 'ok' as const, database: ctx.db.dialect };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'Описание API (OpenAPI 3.1)',
      tag: 'system',
      access: { kind: 'public' },
      // The same for everyone and changes only with a new version of the server.
      cacheControl: 'public, max-age=300',
      response: { status: 200, description: 'Документ OpenAPI' },
      handler: async () => openApi(),
    }),
  ];
}
