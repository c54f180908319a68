/**
 * How a view of the pane is declared. A new view is one module under addin/ui/views/ exporting a
 * ViewDef, plus one line in addin/ui/views/index.ts; the shell builds the tabs and the routing.
 */
import type { ApiClient } from '../api/client';
import type { KeyValueStorage } from '../api/token-store';
import type { Me, OrgView } from '../api/types';
import type { ExcelCapabilities } from '../excel/capabilities';
import type { Dom } from './dom';

export interface ViewDef {
  id: string;
  /** Heading of the view. */
  title: string;
  /** Label of its tab; views without one are reached by navigate() only (sign-in, choosing the organisation). */
  tab?: string;
  /** Position among the tabs. */
  order?: number;
  /** 'none': shown signed out; 'session': signed in with the password changed; 'org': and an organisation chosen. */
  requires: 'none' | 'session' | 'org';
  /** Hide the tab when the view does not apply (e.g. the passport for a territorial organisation). */
  available?(app: Shell): boolean;
  /** Builds the view into `root`; may return a clean-up run when the view is left. */
  render?: ViewRender;
  /**
   * Instead of `render`: a view kept in its own bundle file, fetched the first time it is opened
   * (`() => import('./passport')`), so the pane's first load stays small on a slow link.
   */
  load?: () => Promise<{ render: ViewRender }>;
}

export type ViewRender = (root: HTMLElement, app: Shell) => void | (() => void);

/** What a view can use from the shell. */
export interface Shell {
  readonly dom: Dom;
  readonly api: ApiClient;
  readonly me: Me | null;
  readonly org: OrgView | null;
  readonly caps: ExcelCapabilities;
  /** True while a long operation runs: other actions wait. */
  readonly busy: boolean;
  setBusy(busy: boolean): void;
  navigate(viewId: string): void;
  chooseOrganisation(org: OrgView): void;
  /** Runs an Excel operation in its own Excel.run batch. */
  excel<T>(operation: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  /** Today's date in the chair's time zone, ISO (YYYY-MM-DD). */
  today(): string;
  /** Personal-data actions are open (the obligation is recorded). */
  readonly personalDataAllowed: boolean;
  /**
   * Reacts to failures that concern the whole pane (session expired → sign-in; password change
   * required → that view). Returns true when handled so.
   */
  handleGlobalError(error: unknown): boolean;
  /** After a successful sign-in: the next view (password change, organisation, home). */
  afterSignIn(me: Me): Promise<void>;
  /** Re-reads the account (after the password change) and refreshes the banners. */
  refreshMe(): Promise<void>;
  /** Session storage of the pane (dies with the pane's browsing session); null when the web view forbids it. */
  readonly storage: KeyValueStorage | null;
  /** The add-in origin's localStorage (survives closing the pane): ids and the refresh token only, never personal data. */
  readonly persistent: KeyValueStorage | null;
  /** Memory of the pane for this session (e.g. the last push per organisation); gone on sign-out. */
  readonly memory: Map<string, unknown>;
}
