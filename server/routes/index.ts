/** Every API route of the server, by area. A new area adds its list here. */
import type { AnyRoute } from '../http/route';
import { authRoutes } from './auth.routes';
import { cardRoutes } from './cards.routes';
import { documentRoutes } from './documents.routes';
import { memberRoutes } from './members.routes';
import { organisationRoutes } from './organisations.routes';
import { progressRoutes } from './progress.routes';
import { spreadsheetRoutes } from './spreadsheets.routes';
import { systemRoutes } from './system.routes';

export function allRoutes(openApi: () => unknown): AnyRoute[] {
  return [...systemRoutes(openApi), ...authRoutes, ...organisationRoutes, ...spreadsheetRoutes, ...memberRoutes, ...progressRoutes, ...cardRoutes, ...documentRoutes];
}
