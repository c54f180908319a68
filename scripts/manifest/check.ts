/**
 * Offline structural check of the add-in manifest (add-in only manifest, TaskPaneApp, schema 1.1
 * with VersionOverrides 1.0). It covers what the official XSDs require and what breaks an add-in in
 * practice, so a broken manifest fails here instead of in a chair's Excel:
 *
 *  - root element, namespaces and xsi:type;
 *  - element order and cardinality under <OfficeApp> and in the VersionOverrides parts we use
 *    (the XSD's xs:sequence: an element out of order makes the whole manifest invalid);
 *  - formats: Id is a GUID, Version, DefaultLocale, Permissions, requirement-set versions;
 *  - every URL is https and on one origin (the task pane's);
 *  - icons: IconUrl 32×32, HighResolutionIconUrl 64×64, ribbon images 16/32/80 with their `size`
 *    matching the real PNG when the URL points at a file under addin/assets;
 *  - every `resid` resolves to an id of the right kind in <Resources>;
 *  - at least one ribbon Button with a ShowTaskpane or ExecuteFunction action;
 *  - string length limits (ShortString 125, LongString 250, resource id 32, URL 2048).
 *
 * Sources: OfficeAppManifestV1_1.xsd, TaskPaneAppVersionOverridesV1_0.xsd and
 * OfficeAppBasicTypesV1_0.xsd (github.com/OfficeDev/office-js-docs-pr, docs/overview/schemas/taskpane),
 * and learn.microsoft.com "How to find the proper order of manifest elements".
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPngSize } from './png';
import { attr, childrenNamed, descendants, firstChild, parseXml, type XmlElement } from './xml';

export const NS = {
  officeApp: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  ov: 'http://schemas.microsoft.com/office/taskpaneappversionoverrides',
  ov11: 'http://schemas.microsoft.com/office/taskpaneappversionoverrides/1.1',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

export interface ManifestCheckResult {
  errors: string[];
  warnings: string[];
}

export interface ManifestCheckOptions {
  /**
   * Directory holding the files served under `<origin>/assets/`; icon URLs that point there are
   * opened and their PNG size compared with what the manifest declares. Default: this repository's
   * addin/assets. `null` skips the file checks.
   */
  assetsDir?: string | null;
  /**
   * The origin every URL must use. Default: the origin of <DefaultSettings><SourceLocation>.
   */
  expectedOrigin?: string;
}

export const DEFAULT_ASSETS_DIR = path.resolve(__dirname, '../../addin/assets');

export const LIMITS = {
  shortString: 125,
  longString: 250,
  resourceId: 32,
  url: 2048,
} as const;

const UUID_RE =
  /^(?:(?:urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/;
const VERSION_RE = /^[0-9]{1,5}(?:\.[0-9]{1,5}){0,3}$/;
const SHORT_VERSION_RE = /^[0-9]{1,5}\.[0-9]{1,5}$/;
const CULTURE_RE =
  /^(?:[a-zA-Z]{2,3}-[a-zA-Z0-9]{3,8}(?:-[a-zA-Z]{2,3})?|[a-zA-Z]{2,3}(?:-[a-zA-Z]{2,3}(?:_tradnl|\.pseudo|-[a-zA-Z]{4,8})?)?)$/;
const TASKPANE_PERMISSIONS = ['Restricted', 'ReadDocument', 'ReadAllDocument', 'WriteDocument', 'ReadWriteDocument'];
/** ImageResourceReference: "Mandatory values are 16, 32, and 80. Currently supported optional values are 20, 24, 40, 48, and 64." */
const RIBBON_ICON_SIZES = [16, 20, 24, 32, 40, 48, 64, 80];
const REQUIRED_RIBBON_ICON_SIZES = [16, 32, 80];
const ICON_URL_SIZE = 32;
const HIGH_RES_ICON_URL_SIZE = 64;
/** "The image file size should not exceed 100KB." (ImageResources, OfficeAppBasicTypesV1_0.xsd) */
const MAX_IMAGE_BYTES = 100 * 1024;

interface SequenceItem {
  local: string;
  uri: string;
  min: number;
  max: number;
}

const one = (local: string, uri: string = NS.officeApp): SequenceItem => ({ local, uri, min: 1, max: 1 });
const opt = (local: string, uri: string = NS.officeApp): SequenceItem => ({ local, uri, min: 0, max: 1 });
const many = (local: string, uri: string, min = 1): SequenceItem => ({ local, uri, min, max: Infinity });

/** OfficeApp (abstract) sequence, then the TaskPaneApp extension's sequence. */
export const TASKPANE_APP_SEQUENCE: readonly SequenceItem[] = [
  one('Id'),
  opt('AlternateId'),
  one('Version'),
  one('ProviderName'),
  one('DefaultLocale'),
  one('DisplayName'),
  one('Description'),
  opt('IconUrl'),
  opt('HighResolutionIconUrl'),
  opt('SupportUrl'),
  opt('AppDomains'),
  opt('Hosts'),
  opt('Requirements'),
  one('DefaultSettings'),
  one('Permissions'),
  opt('Dictionary'),
  opt('VersionOverrides', NS.ov),
  opt('ExtendedOverrides'),
  opt('Signature', NS.dsig),
];

const VERSION_OVERRIDES_SEQUENCE: readonly SequenceItem[] = [
  opt('Description', NS.ov),
  opt('Requirements', NS.ov),
  opt('Hosts', NS.ov),
  opt('Resources', NS.ov),
  opt('WebApplicationInfo', NS.ov),
  opt('EquivalentAddins', NS.ov),
  opt('VersionOverrides', NS.ov11),
];
const OV_HOST_SEQUENCE: readonly SequenceItem[] = [
  opt('Runtimes', NS.ov),
  opt('AllFormFactors', NS.ov),
  opt('DesktopFormFactor', NS.ov),
];
const FORM_FACTOR_SEQUENCE: readonly SequenceItem[] = [
  opt('GetStarted', NS.ov),
  opt('FunctionFile', NS.ov),
  many('ExtensionPoint', NS.ov),
];
const GET_STARTED_SEQUENCE: readonly SequenceItem[] = [one('Title', NS.ov), one('Description', NS.ov), one('LearnMoreUrl', NS.ov)];
const COMMAND_SURFACE_SEQUENCE: readonly SequenceItem[] = [many('OfficeTab', NS.ov, 0), many('CustomTab', NS.ov, 0)];
const OFFICE_TAB_SEQUENCE: readonly SequenceItem[] = [many('Group', NS.ov)];
const CUSTOM_TAB_SEQUENCE: readonly SequenceItem[] = [many('Group', NS.ov), one('Label', NS.ov)];
const GROUP_SEQUENCE: readonly SequenceItem[] = [
  one('Label', NS.ov),
  one('Icon', NS.ov),
  many('Control', NS.ov),
  opt('OverriddenByRibbonApi', NS.ov),
];
const BUTTON_SEQUENCE: readonly SequenceItem[] = [
  one('Label', NS.ov),
  one('Supertip', NS.ov),
  one('Icon', NS.ov),
  one('Action', NS.ov),
  opt('Enabled', NS.ov),
  opt('OverriddenByRibbonApi', NS.ov),
];
const SUPERTIP_SEQUENCE: readonly SequenceItem[] = [one('Title', NS.ov), one('Description', NS.ov)];
const ICON_LIST_SEQUENCE: readonly SequenceItem[] = [many('Image', NS.bt)];
const SHOW_TASKPANE_SEQUENCE: readonly SequenceItem[] = [opt('TaskpaneId', NS.ov), one('SourceLocation', NS.ov), opt('Title', NS.ov)];
const EXECUTE_FUNCTION_SEQUENCE: readonly SequenceItem[] = [one('FunctionName', NS.ov)];
const RESOURCES_SEQUENCE: readonly SequenceItem[] = [
  opt('Images', NS.bt),
  opt('Urls', NS.bt),
  opt('ShortStrings', NS.bt),
  opt('LongStrings', NS.bt),
];

type ResourceKind = 'Images' | 'Urls' | 'ShortStrings' | 'LongStrings';
const RESOURCE_KINDS: readonly ResourceKind[] = ['Images', 'Urls', 'ShortStrings', 'LongStrings'];
const RESOURCE_ITEM: Record<ResourceKind, string> = { Images: 'Image', Urls: 'Url', ShortStrings: 'String', LongStrings: 'String' };
/** Which collection a `resid` must point into, by the referring element's name. */
const RESID_KIND: Record<string, ResourceKind> = {
  Image: 'Images',
  SourceLocation: 'Urls',
  FunctionFile: 'Urls',
  LearnMoreUrl: 'Urls',
  Runtime: 'Urls',
  Label: 'ShortStrings',
  Title: 'ShortStrings',
  Namespace: 'ShortStrings',
  Description: 'LongStrings',
};

interface Resource {
  kind: ResourceKind;
  id: string;
  value: string | undefined;
  line: number;
  used: boolean;
}

/** Local part of an xsi:type value ("ov:Button" → "Button"). */
function xsiType(element: XmlElement): string | undefined {
  const value = attr(element, 'type', NS.xsi);
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  return colon >= 0 ? value.slice(colon + 1) : value;
}

function tag(element: XmlElement): string {
  const type = xsiType(element);
  return type ? `<${element.local} xsi:type="${type}">` : `<${element.local}>`;
}

/** Runs the check; never throws for a bad manifest (only for a programming error). */
export function checkManifestXml(xml: string, options: ManifestCheckOptions = {}): ManifestCheckResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const error = (line: number | null, message: string): void => {
    errors.push(line ? `line ${line}: ${message}` : message);
  };
  const warn = (line: number | null, message: string): void => {
    warnings.push(line ? `line ${line}: ${message}` : message);
  };
  const assetsDir = options.assetsDir === undefined ? DEFAULT_ASSETS_DIR : options.assetsDir;

  const parsed = parseXml(xml);
  if (!parsed.ok) {
    for (const e of parsed.errors) error(null, `the manifest is not well-formed XML: ${e}`);
    return { errors, warnings };
  }
  const root = parsed.root;

  // ---- root element ---------------------------------------------------------------------------
  if (root.local !== 'OfficeApp' || root.uri !== NS.officeApp) {
    error(
      root.line,
      `the root element must be <OfficeApp xmlns="${NS.officeApp}">, found <${root.name}>` +
        (root.uri ? ` in namespace ${root.uri}` : ' with no namespace'),
    );
    return { errors, warnings };
  }
  const rootType = xsiType(root);
  if (rootType === undefined) {
    error(root.line, `<OfficeApp> needs xsi:type="TaskPaneApp" (with xmlns:xsi="${NS.xsi}")`);
  } else if (rootType !== 'TaskPaneApp') {
    error(root.line, `<OfficeApp> xsi:type must be "TaskPaneApp" for an Excel task pane add-in, found "${rootType}"`);
  }

  // ---- order and cardinality ------------------------------------------------------------------
  const checkSequence = (parent: XmlElement, sequence: readonly SequenceItem[]): void => {
    const order = sequence.map((s) => `<${s.local}>`).join(', ');
    const counts = new Map<SequenceItem, number>();
    let furthest = -1;
    let furthestElement: XmlElement | null = null;
    for (const child of parent.children) {
      const index = sequence.findIndex((s) => s.local === child.local && s.uri === child.uri);
      if (index < 0) {
        const sameName = sequence.find((s) => s.local === child.local);
        if (sameName) {
          error(
            child.line,
            `<${child.local}> under ${tag(parent)} must be in namespace ${sameName.uri}, found ${child.uri || 'no namespace'}`,
          );
        } else {
          error(child.line, `<${child.name}> is not a valid child of ${tag(parent)} (allowed, in this order: ${order})`);
        }
        continue;
      }
      const item = sequence[index];
      const count = (counts.get(item) ?? 0) + 1;
      counts.set(item, count);
      if (count > item.max) {
        error(child.line, `<${child.local}> appears more than ${item.max === 1 ? 'once' : `${item.max} times`} in ${tag(parent)}`);
      }
      if (index < furthest && furthestElement) {
        error(
          child.line,
          `${tag(parent)} children are out of order: <${child.local}> must come before <${furthestElement.local}> (line ${furthestElement.line}); the schema order is ${order}`,
        );
      } else if (index > furthest) {
        furthest = index;
        furthestElement = child;
      }
    }
    for (const item of sequence) {
      const count = counts.get(item) ?? 0;
      if (count < item.min) {
        error(parent.line, `${tag(parent)} is missing the required element <${item.local}>`);
      }
    }
  };

  checkSequence(root, TASKPANE_APP_SEQUENCE);
  const top = (local: string): XmlElement | undefined => firstChild(root, local, NS.officeApp);

  // ---- simple values --------------------------------------------------------------------------
  const checkLength = (line: number, what: string, value: string | undefined, max: number): void => {
    if (value === undefined) return;
    if (value.length === 0) error(line, `${what} must not be empty`);
    else if (value.length > max) error(line, `${what} is ${value.length} characters long; the limit is ${max}`);
  };

  const id = top('Id');
  if (id) {
    const value = id.text.trim();
    if (!UUID_RE.test(value)) error(id.line, `<Id> must be a GUID such as 8c1d6a2e-4f0b-4b8e-9a51-3f2d7c6e1b90, found "${value}"`);
  }
  const version = top('Version');
  if (version && !VERSION_RE.test(version.text.trim())) {
    error(version.line, `<Version> must look like 1.0.0.0 (up to four numbers of at most 5 digits), found "${version.text.trim()}"`);
  }
  const provider = top('ProviderName');
  if (provider) checkLength(provider.line, '<ProviderName>', provider.text.trim(), LIMITS.shortString);
  const locale = top('DefaultLocale');
  if (locale && !CULTURE_RE.test(locale.text.trim())) {
    error(locale.line, `<DefaultLocale> must be a culture name such as ru-RU, found "${locale.text.trim()}"`);
  }
  const permissions = top('Permissions');
  if (permissions && !TASKPANE_PERMISSIONS.includes(permissions.text.trim())) {
    error(permissions.line, `<Permissions> must be one of ${TASKPANE_PERMISSIONS.join(', ')}, found "${permissions.text.trim()}"`);
  }

  const checkLocaleAware = (element: XmlElement | undefined, max: number): void => {
    if (!element) return;
    const value = attr(element, 'DefaultValue');
    if (value === undefined) error(element.line, `<${element.local}> needs a DefaultValue attribute`);
    else checkLength(element.line, `<${element.local}> DefaultValue`, value, max);
    for (const override of childrenNamed(element, 'Override', element.uri)) {
      checkLength(override.line, `<${element.local}><Override> Value`, attr(override, 'Value'), max);
      const overrideLocale = attr(override, 'Locale');
      if (overrideLocale === undefined || !CULTURE_RE.test(overrideLocale)) {
        error(override.line, `<${element.local}><Override> needs a Locale such as ru-RU`);
      }
    }
  };
  checkLocaleAware(top('DisplayName'), LIMITS.shortString);
  checkLocaleAware(top('Description'), LIMITS.longString);

  // ---- hosts and requirements -----------------------------------------------------------------
  const hosts = top('Hosts');
  const hostNames = hosts ? childrenNamed(hosts, 'Host', NS.officeApp).map((h) => attr(h, 'Name') ?? '') : [];
  if (!hostNames.includes('Workbook')) {
    error(hosts?.line ?? root.line, 'the manifest must declare <Hosts><Host Name="Workbook"/></Hosts>: this is an Excel add-in');
  }
  const requirements = top('Requirements');
  const sets = requirements ? firstChild(requirements, 'Sets', NS.officeApp) : undefined;
  const checkSets = (setsElement: XmlElement, uri: string): string[] => {
    const names: string[] = [];
    const defaultMin = attr(setsElement, 'DefaultMinVersion');
    if (defaultMin !== undefined && !SHORT_VERSION_RE.test(defaultMin)) {
      error(setsElement.line, `<Sets DefaultMinVersion> must look like 1.1, found "${defaultMin}"`);
    }
    for (const set of childrenNamed(setsElement, 'Set', uri)) {
      const name = attr(set, 'Name');
      if (!name) error(set.line, '<Set> needs a Name attribute');
      else names.push(name);
      const min = attr(set, 'MinVersion');
      if (min !== undefined && !SHORT_VERSION_RE.test(min)) {
        error(set.line, `<Set Name="${name ?? ''}"> MinVersion must look like 1.8, found "${min}"`);
      }
    }
    return names;
  };
  const setNames = sets ? checkSets(sets, NS.officeApp) : [];
  if (!setNames.includes('ExcelApi')) {
    warn(requirements?.line ?? null, 'no <Set Name="ExcelApi" MinVersion="…"> requirement: Excel versions without the needed API will still offer the add-in');
  }

  // ---- URLs -----------------------------------------------------------------------------------
  interface UrlUse {
    where: string;
    url: string;
    line: number;
  }
  const urls: UrlUse[] = [];
  const collectUrlSetting = (element: XmlElement | undefined, where: string): void => {
    if (!element) return;
    const value = attr(element, 'DefaultValue');
    if (value === undefined) {
      error(element.line, `${where} needs a DefaultValue attribute`);
    } else {
      urls.push({ where, url: value, line: element.line });
    }
    for (const override of element.children.filter((c) => c.local === 'Override')) {
      const overrideValue = attr(override, 'Value');
      if (overrideValue !== undefined) urls.push({ where: `${where} <Override>`, url: overrideValue, line: override.line });
    }
  };
  const iconUrl = top('IconUrl');
  const highResIconUrl = top('HighResolutionIconUrl');
  collectUrlSetting(iconUrl, '<IconUrl>');
  collectUrlSetting(highResIconUrl, '<HighResolutionIconUrl>');
  collectUrlSetting(top('SupportUrl'), '<SupportUrl>');
  const defaultSettings = top('DefaultSettings');
  const sourceLocation = defaultSettings ? firstChild(defaultSettings, 'SourceLocation', NS.officeApp) : undefined;
  if (defaultSettings && !sourceLocation) error(defaultSettings.line, '<DefaultSettings> is missing the required element <SourceLocation>');
  collectUrlSetting(sourceLocation, '<DefaultSettings><SourceLocation>');

  let origin: string | null = null;
  let originSource = '';
  if (options.expectedOrigin) {
    origin = options.expectedOrigin.replace(/\/+$/, '');
    originSource = 'the expected origin';
  } else {
    const taskpaneUrl = sourceLocation ? attr(sourceLocation, 'DefaultValue') : undefined;
    try {
      if (taskpaneUrl) origin = new URL(taskpaneUrl).origin;
    } catch {
      // reported below as an invalid URL
    }
    originSource = 'the origin of <DefaultSettings><SourceLocation>';
  }

  const appDomains = top('AppDomains');
  if (appDomains) {
    for (const domain of childrenNamed(appDomains, 'AppDomain', NS.officeApp)) {
      const value = domain.text.trim();
      checkLength(domain.line, '<AppDomain>', value, LIMITS.longString);
      let parsedDomain: URL | null = null;
      try {
        parsedDomain = new URL(value);
      } catch {
        error(domain.line, `<AppDomain> must be an origin with its protocol, such as https://example.org, found "${value}"`);
      }
      if (!parsedDomain) continue;
      if (parsedDomain.pathname !== '/' || value.endsWith('/') || parsedDomain.search || parsedDomain.hash) {
        error(domain.line, `<AppDomain> must be an origin only (no path, no trailing slash), found "${value}"`);
      }
      urls.push({ where: '<AppDomain>', url: value, line: domain.line });
      if (origin && parsedDomain.origin === origin) {
        warn(domain.line, `<AppDomain> ${value} is the task pane's own origin; listing it has no effect and can be removed`);
      }
    }
  }

  // ---- VersionOverrides: resources ------------------------------------------------------------
  const overrides = firstChild(root, 'VersionOverrides', NS.ov);
  const resources = new Map<string, Resource[]>();
  const resourcesElement = overrides ? firstChild(overrides, 'Resources', NS.ov) : undefined;
  if (resourcesElement) {
    checkSequence(resourcesElement, RESOURCES_SEQUENCE);
    for (const kind of RESOURCE_KINDS) {
      const collection = firstChild(resourcesElement, kind, NS.bt);
      if (!collection) continue;
      const itemName = RESOURCE_ITEM[kind];
      const seen = new Set<string>();
      for (const item of collection.children) {
        if (item.local !== itemName || item.uri !== NS.bt) {
          error(item.line, `<${item.name}> is not a valid child of <bt:${kind}> (expected <bt:${itemName}>)`);
          continue;
        }
        const resId = attr(item, 'id');
        const value = attr(item, 'DefaultValue');
        if (!resId) {
          error(item.line, `<bt:${itemName}> in <bt:${kind}> needs an id attribute`);
          continue;
        }
        if (resId.length > LIMITS.resourceId) {
          error(item.line, `resource id "${resId}" is ${resId.length} characters long; the limit is ${LIMITS.resourceId}`);
        }
        if (seen.has(resId)) error(item.line, `resource id "${resId}" is declared twice in <bt:${kind}>`);
        seen.add(resId);
        if (value === undefined) error(item.line, `<bt:${itemName} id="${resId}"> needs a DefaultValue attribute`);
        const overridesOfItem = childrenNamed(item, 'Override', NS.bt);
        if (kind === 'ShortStrings' || kind === 'LongStrings') {
          const max = kind === 'ShortStrings' ? LIMITS.shortString : LIMITS.longString;
          checkLength(item.line, `<bt:${kind}> string "${resId}"`, value, max);
          for (const o of overridesOfItem) checkLength(o.line, `<bt:${kind}> string "${resId}" <bt:Override>`, attr(o, 'Value'), max);
        } else {
          const where = `<bt:${itemName} id="${resId}">`;
          if (value !== undefined) urls.push({ where, url: value, line: item.line });
          for (const o of overridesOfItem) {
            const v = attr(o, 'Value');
            if (v !== undefined) urls.push({ where: `${where} <bt:Override>`, url: v, line: o.line });
          }
        }
        const list = resources.get(resId) ?? [];
        list.push({ kind, id: resId, value, line: item.line, used: false });
        resources.set(resId, list);
      }
    }
  }

  // ---- every URL: https, one origin -----------------------------------------------------------
  if (!origin && !options.expectedOrigin) {
    error(sourceLocation?.line ?? root.line, '<DefaultSettings><SourceLocation> must be an absolute https URL: it decides the origin of every other URL');
  }
  for (const use of urls) {
    if (use.url.length > LIMITS.url) {
      error(use.line, `${use.where} URL is ${use.url.length} characters long; the limit is ${LIMITS.url}`);
    }
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(use.url);
    } catch {
      error(use.line, `${use.where} is not an absolute URL: "${use.url}"`);
      continue;
    }
    if (parsedUrl.protocol !== 'https:') {
      error(use.line, `${use.where} must use https, found "${use.url}"`);
      continue;
    }
    if (origin && parsedUrl.origin !== origin) {
      error(use.line, `${use.where} points to ${parsedUrl.origin}, but every URL must be on ${origin} (${originSource})`);
    }
  }

  // ---- local files and icons -----------------------------------------------------------------
  /** Resolves a URL on our origin under /assets/ to a file in assetsDir, or null when it is not local. */
  const localAsset = (url: string): string | null => {
    if (assetsDir === null || !origin) return null;
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(url);
    } catch {
      return null;
    }
    if (parsedUrl.origin !== origin || !parsedUrl.pathname.startsWith('/assets/')) return null;
    const relative = decodeURIComponent(parsedUrl.pathname.slice('/assets/'.length));
    const file = path.resolve(assetsDir, relative);
    if (!file.startsWith(path.resolve(assetsDir) + path.sep)) return null;
    return file;
  };
  const checkIconFile = (url: string, expected: number, what: string, line: number): void => {
    const file = localAsset(url);
    if (file === null) {
      warn(line, `${what} ${url} is not a file under addin/assets, so its size (${expected}×${expected}) cannot be checked offline`);
      return;
    }
    const shown = path.basename(file);
    if (!fs.existsSync(file)) return; // reported once for the URL above
    const bytes = fs.readFileSync(file);
    const size = readPngSize(bytes);
    if (!size) {
      error(line, `${what} points to ${shown}, which is not a PNG file`);
      return;
    }
    if (size.width !== expected || size.height !== expected) {
      error(line, `${what} must be ${expected}×${expected} pixels, but ${shown} is ${size.width}×${size.height}`);
    }
    if (bytes.length > MAX_IMAGE_BYTES) {
      warn(line, `${shown} is ${Math.round(bytes.length / 1024)} KB; Office asks for images of at most 100 KB`);
    }
  };
  for (const use of urls) {
    const file = localAsset(use.url);
    if (file !== null && !fs.existsSync(file)) {
      error(use.line, `${use.where} points to ${use.url}, but addin/assets/${path.relative(assetsDir ?? '', file)} does not exist`);
    }
  }
  if (!iconUrl) warn(null, 'no <IconUrl>: Office shows a generic icon for the add-in');
  else {
    const value = attr(iconUrl, 'DefaultValue');
    if (value) checkIconFile(value, ICON_URL_SIZE, '<IconUrl>', iconUrl.line);
  }
  if (!highResIconUrl) warn(null, 'no <HighResolutionIconUrl>: high-DPI screens will scale the 32×32 icon');
  else {
    const value = attr(highResIconUrl, 'DefaultValue');
    if (value) checkIconFile(value, HIGH_RES_ICON_URL_SIZE, '<HighResolutionIconUrl>', highResIconUrl.line);
  }

  // ---- VersionOverrides: structure, resid, ribbon ---------------------------------------------
  if (!overrides) {
    const wrongNs = root.children.find((c) => c.local === 'VersionOverrides');
    if (!wrongNs) {
      error(null, `the manifest has no <VersionOverrides xmlns="${NS.ov}" xsi:type="VersionOverridesV1_0">, so Excel shows no ribbon button for it`);
    }
    return { errors, warnings };
  }
  const overridesType = xsiType(overrides);
  if (overridesType !== 'VersionOverridesV1_0') {
    error(overrides.line, `<VersionOverrides> xsi:type must be "VersionOverridesV1_0", found ${overridesType ? `"${overridesType}"` : 'none'}`);
  }
  checkSequence(overrides, VERSION_OVERRIDES_SEQUENCE);
  const ovRequirements = firstChild(overrides, 'Requirements', NS.ov);
  if (ovRequirements) {
    const btSets = firstChild(ovRequirements, 'Sets', NS.bt);
    if (!btSets) error(ovRequirements.line, '<VersionOverrides><Requirements> must contain <bt:Sets>');
    else checkSets(btSets, NS.bt);
  }

  // resid → resource of the right kind
  for (const element of descendants(overrides)) {
    const resId = attr(element, 'resid');
    if (resId === undefined) continue;
    if (resId.length === 0 || resId.length > LIMITS.resourceId) {
      error(element.line, `resid "${resId}" on ${tag(element)} must be 1 to ${LIMITS.resourceId} characters long`);
    }
    const candidates = resources.get(resId) ?? [];
    if (candidates.length === 0) {
      error(element.line, `resid "${resId}" on ${tag(element)} does not match any id in <Resources> (bt:Images, bt:Urls, bt:ShortStrings, bt:LongStrings)`);
      continue;
    }
    const wanted = RESID_KIND[element.local];
    const match = wanted ? candidates.find((r) => r.kind === wanted) : candidates[0];
    if (!match) {
      error(
        element.line,
        `resid "${resId}" on ${tag(element)} refers to a bt:${candidates.map((r) => r.kind).join('/')} entry, but <${element.local}> needs an id from bt:${wanted}`,
      );
      continue;
    }
    match.used = true;
  }
  for (const list of resources.values()) {
    for (const r of list) if (!r.used) warn(r.line, `resource "${r.id}" in bt:${r.kind} is never referenced by a resid`);
  }

  const resourceValue = (resId: string | undefined, kind: ResourceKind): string | undefined =>
    resId === undefined ? undefined : resources.get(resId)?.find((r) => r.kind === kind)?.value;

  const ids = new Map<string, number>();
  const uniqueId = (element: XmlElement, what: string): void => {
    const value = attr(element, 'id');
    if (value === undefined) {
      error(element.line, `${what} needs an id attribute`);
      return;
    }
    checkLength(element.line, `${what} id`, value, LIMITS.shortString);
    const previous = ids.get(value);
    if (previous !== undefined) error(element.line, `id "${value}" is used twice (also on line ${previous}); group and control ids must be unique`);
    else ids.set(value, element.line);
  };

  const checkIconList = (icon: XmlElement, owner: string): void => {
    checkSequence(icon, ICON_LIST_SEQUENCE);
    const sizes = new Set<number>();
    for (const image of childrenNamed(icon, 'Image', NS.bt)) {
      const sizeText = attr(image, 'size');
      const size = Number(sizeText);
      if (sizeText === undefined || !Number.isInteger(size) || !RIBBON_ICON_SIZES.includes(size)) {
        error(image.line, `<bt:Image> in ${owner} needs size= one of ${RIBBON_ICON_SIZES.join(', ')}, found ${sizeText === undefined ? 'none' : `"${sizeText}"`}`);
        continue;
      }
      if (sizes.has(size)) error(image.line, `${owner} lists size ${size} twice`);
      sizes.add(size);
      const resId = attr(image, 'resid');
      const url = resourceValue(resId, 'Images');
      if (url) checkIconFile(url, size, `<bt:Image size="${size}" resid="${resId}"> in ${owner}`, image.line);
    }
    const missing = REQUIRED_RIBBON_ICON_SIZES.filter((s) => !sizes.has(s));
    if (missing.length > 0) error(icon.line, `${owner} <Icon> lacks the required image size(s) ${missing.join(', ')} (16, 32 and 80 are mandatory)`);
  };

  let buttons = 0;
  let showTaskpaneUrl: string | undefined;
  const ovHosts = firstChild(overrides, 'Hosts', NS.ov);
  const ovHostTypes: string[] = [];
  if (ovHosts) {
    for (const host of ovHosts.children) {
      if (host.local !== 'Host' || host.uri !== NS.ov) {
        error(host.line, `<${host.name}> is not a valid child of <VersionOverrides><Hosts> (expected <Host xsi:type="Workbook">)`);
        continue;
      }
      const hostType = xsiType(host) ?? '';
      ovHostTypes.push(hostType);
      if (!hostNames.includes(hostType)) {
        error(host.line, `<Host xsi:type="${hostType}"> in <VersionOverrides> has no matching <Host Name="${hostType}"> in the top-level <Hosts>`);
      }
      checkSequence(host, OV_HOST_SEQUENCE);
      const desktop = firstChild(host, 'DesktopFormFactor', NS.ov);
      if (!desktop) continue;
      checkSequence(desktop, FORM_FACTOR_SEQUENCE);
      const getStarted = firstChild(desktop, 'GetStarted', NS.ov);
      if (getStarted) checkSequence(getStarted, GET_STARTED_SEQUENCE);
      const functionFile = firstChild(desktop, 'FunctionFile', NS.ov);
      for (const point of childrenNamed(desktop, 'ExtensionPoint', NS.ov)) {
        const pointType = xsiType(point);
        if (pointType !== 'PrimaryCommandSurface' && pointType !== 'ContextMenu') {
          error(point.line, `<ExtensionPoint> xsi:type must be PrimaryCommandSurface or ContextMenu for Excel, found ${pointType ? `"${pointType}"` : 'none'}`);
          continue;
        }
        if (pointType !== 'PrimaryCommandSurface') continue;
        checkSequence(point, COMMAND_SURFACE_SEQUENCE);
        for (const tab of point.children.filter((c) => c.uri === NS.ov && (c.local === 'OfficeTab' || c.local === 'CustomTab'))) {
          uniqueId(tab, tag(tab));
          checkSequence(tab, tab.local === 'OfficeTab' ? OFFICE_TAB_SEQUENCE : CUSTOM_TAB_SEQUENCE);
          for (const group of childrenNamed(tab, 'Group', NS.ov)) {
            uniqueId(group, '<Group>');
            checkSequence(group, GROUP_SEQUENCE);
            const groupIcon = firstChild(group, 'Icon', NS.ov);
            if (groupIcon) checkIconList(groupIcon, `<Group id="${attr(group, 'id') ?? ''}">`);
            for (const control of childrenNamed(group, 'Control', NS.ov)) {
              uniqueId(control, tag(control));
              const controlType = xsiType(control);
              if (controlType !== 'Button') {
                if (controlType !== 'Menu') error(control.line, `<Control> xsi:type must be "Button" or "Menu", found ${controlType ? `"${controlType}"` : 'none'}`);
                continue;
              }
              checkSequence(control, BUTTON_SEQUENCE);
              const owner = `<Control id="${attr(control, 'id') ?? ''}">`;
              const supertip = firstChild(control, 'Supertip', NS.ov);
              if (supertip) checkSequence(supertip, SUPERTIP_SEQUENCE);
              const buttonIcon = firstChild(control, 'Icon', NS.ov);
              if (buttonIcon) checkIconList(buttonIcon, owner);
              const action = firstChild(control, 'Action', NS.ov);
              if (!action) continue;
              const actionType = xsiType(action);
              if (actionType === 'ShowTaskpane') {
                checkSequence(action, SHOW_TASKPANE_SEQUENCE);
                const taskpaneId = firstChild(action, 'TaskpaneId', NS.ov);
                if (taskpaneId) checkLength(taskpaneId.line, '<TaskpaneId>', taskpaneId.text.trim(), LIMITS.shortString);
                const source = firstChild(action, 'SourceLocation', NS.ov);
                if (source) {
                  buttons++;
                  showTaskpaneUrl ??= resourceValue(attr(source, 'resid'), 'Urls');
                }
              } else if (actionType === 'ExecuteFunction') {
                checkSequence(action, EXECUTE_FUNCTION_SEQUENCE);
                const fn = firstChild(action, 'FunctionName', NS.ov);
                if (fn) {
                  checkLength(fn.line, '<FunctionName>', fn.text.trim(), LIMITS.longString);
                  if (fn.text.trim()) buttons++;
                }
                if (!functionFile) {
                  error(action.line, `${owner} runs a function, so its <DesktopFormFactor> needs a <FunctionFile resid="…"> that loads the function's page`);
                }
              } else {
                error(action.line, `<Action> xsi:type must be "ShowTaskpane" or "ExecuteFunction", found ${actionType ? `"${actionType}"` : 'none'}`);
              }
            }
          }
        }
      }
    }
  }
  if (!ovHostTypes.includes('Workbook')) {
    error(ovHosts?.line ?? overrides.line, '<VersionOverrides> needs <Hosts><Host xsi:type="Workbook"> with the ribbon for Excel');
  }
  if (buttons === 0) {
    error(
      overrides.line,
      'no ribbon button: <VersionOverrides> needs at least one <Control xsi:type="Button"> on a PrimaryCommandSurface tab with an <Action xsi:type="ShowTaskpane"> (with SourceLocation) or <Action xsi:type="ExecuteFunction"> (with FunctionName)',
    );
  }
  const defaultTaskpaneUrl = sourceLocation ? attr(sourceLocation, 'DefaultValue') : undefined;
  if (showTaskpaneUrl && defaultTaskpaneUrl && showTaskpaneUrl !== defaultTaskpaneUrl) {
    warn(null, `the ribbon button opens ${showTaskpaneUrl}, but <DefaultSettings><SourceLocation> is ${defaultTaskpaneUrl}; Excel versions without add-in commands would open a different page`);
  }

  return { errors, warnings };
}
