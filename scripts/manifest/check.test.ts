import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkManifestXml, type ManifestCheckResult } from './check';

const MANIFEST_PATH = path.resolve(__dirname, '../../manifest.xml');
const manifest = fs.readFileSync(MANIFEST_PATH, 'utf8');

/** Replaces exactly one occurrence, so a test cannot silently stop breaking anything. */
function replaceOnce(xml: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? xml.split(from).length - 1 : (xml.match(new RegExp(from.source, from.flags.replace('g', '') + 'g')) ?? []).length;
  if (count !== 1) throw new Error(`expected exactly one match of ${String(from)} in the manifest, found ${count}`);
  return xml.replace(from, to);
}

function expectError(result: ManifestCheckResult, fragment: string | RegExp): void {
  const found = result.errors.some((e) => (typeof fragment === 'string' ? e.includes(fragment) : fragment.test(e)));
  if (!found) throw new Error(`no error matching ${String(fragment)}; errors were:\n${result.errors.join('\n') || '(none)'}`);
}

describe('checkManifestXml on the real manifest', () => {
  it('finds no error and no warning in manifest.xml', () => {
    expect(checkManifestXml(manifest)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts the manifest the build writes for another origin', () => {
    const moved = manifest.split('https://localhost:3000').join('https://registry.example.org');
    expect(checkManifestXml(moved).errors).toEqual([]);
    expect(checkManifestXml(moved, { expectedOrigin: 'https://registry.example.org/' }).errors).toEqual([]);
  });

  it('rejects every URL when an expected origin is given and the manifest uses another', () => {
    const result = checkManifestXml(manifest, { expectedOrigin: 'https://registry.example.org' });
    expectError(result, '<DefaultSettings><SourceLocation> points to https://localhost:3000, but every URL must be on https://registry.example.org');
    expectError(result, '<bt:Url id="Taskpane.Url"> points to https://localhost:3000');
  });
});

describe('checkManifestXml finds each kind of breakage', () => {
  it('reports XML that is not well-formed', () => {
    const result = checkManifestXml(replaceOnce(manifest, '</Hosts>\n  <Requirements>', '</Hostz>\n  <Requirements>'));
    expectError(result, /the manifest is not well-formed XML: line:column \d+:\d+: unexpected close tag/);
    expect(result.errors).toHaveLength(1); // the first error only, not saxes' cascade
  });

  it('reports a wrong root element and a wrong xsi:type', () => {
    expectError(checkManifestXml('<?xml version="1.0"?><Manifest xmlns="urn:x"/>'), 'the root element must be <OfficeApp');
    expectError(checkManifestXml(replaceOnce(manifest, 'xsi:type="TaskPaneApp"', 'xsi:type="ContentApp"')), 'xsi:type must be "TaskPaneApp"');
  });

  it('reports elements in the wrong order', () => {
    const displayName = manifest.match(/ {2}<DisplayName [^\n]*\n/)![0];
    const description = manifest.match(/ {2}<Description [^\n]*\n/)![0];
    const swapped = replaceOnce(manifest, displayName + description, description + displayName);
    expectError(checkManifestXml(swapped), '<OfficeApp xsi:type="TaskPaneApp"> children are out of order: <DisplayName> must come before <Description>');

    const permissions = '  <Permissions>ReadWriteDocument</Permissions>\n';
    const early = replaceOnce(replaceOnce(manifest, permissions, ''), '  <DefaultSettings>', permissions + '  <DefaultSettings>');
    expectError(checkManifestXml(early), '<DefaultSettings> must come before <Permissions>');

  });

  it('reports an element order breach inside the ribbon button', () => {
    const supertip = manifest.match(/ +<Supertip>[\s\S]*?<\/Supertip>\n/)![0];
    const moved = replaceOnce(replaceOnce(manifest, supertip, ''), /( +)<Action xsi:type="ShowTaskpane">/, supertip + '$1<Action xsi:type="ShowTaskpane">');
    expectError(checkManifestXml(moved), '<Control xsi:type="Button"> children are out of order: <Supertip> must come before <Icon>');
  });

  it('reports an element that is not allowed where it stands', () => {
    const result = checkManifestXml(replaceOnce(manifest, '  <Permissions>', '  <Sandbox>yes</Sandbox>\n  <Permissions>'));
    expectError(result, '<Sandbox> is not a valid child of <OfficeApp xsi:type="TaskPaneApp">');
  });

  it('reports a missing required element', () => {
    expectError(checkManifestXml(replaceOnce(manifest, '  <Permissions>ReadWriteDocument</Permissions>\n', '')), 'is missing the required element <Permissions>');
    expectError(checkManifestXml(replaceOnce(manifest, / {2}<ProviderName>.*<\/ProviderName>\n/, '')), 'is missing the required element <ProviderName>');
  });

  it('reports an Id that is not a GUID', () => {
    const result = checkManifestXml(replaceOnce(manifest, /<Id>[^<]*<\/Id>/, '<Id>union-registry</Id>'));
    expectError(result, '<Id> must be a GUID');
    expectError(result, '"union-registry"');
  });

  it('reports other malformed values', () => {
    expectError(checkManifestXml(replaceOnce(manifest, '<Version>1.0.0.0</Version>', '<Version>1.0-beta</Version>')), '<Version> must look like 1.0.0.0');
    expectError(checkManifestXml(replaceOnce(manifest, '<DefaultLocale>ru-RU</DefaultLocale>', '<DefaultLocale>русский</DefaultLocale>')), '<DefaultLocale> must be a culture name');
    expectError(checkManifestXml(replaceOnce(manifest, '<Permissions>ReadWriteDocument</Permissions>', '<Permissions>Everything</Permissions>')), '<Permissions> must be one of');
    expectError(checkManifestXml(replaceOnce(manifest, 'MinVersion="1.8"', 'MinVersion="1.8.1"')), 'MinVersion must look like 1.8');
  });

  it('reports an http URL', () => {
    const result = checkManifestXml(replaceOnce(manifest, '<IconUrl DefaultValue="https://', '<IconUrl DefaultValue="http://'));
    expectError(result, '<IconUrl> must use https, found "http://localhost:3000/assets/icon-32.png"');
  });

  it('reports a URL on another origin', () => {
    const result = checkManifestXml(replaceOnce(manifest, '<SupportUrl DefaultValue="https://localhost:3000/assets/help.html"/>', '<SupportUrl DefaultValue="https://example.org/help"/>'));
    expectError(result, '<SupportUrl> points to https://example.org, but every URL must be on https://localhost:3000 (the origin of <DefaultSettings><SourceLocation>)');

    const otherPort = checkManifestXml(replaceOnce(manifest, 'DefaultValue="https://localhost:3000/commands.html"', 'DefaultValue="https://localhost:3001/commands.html"'));
    expectError(otherPort, '<bt:Url id="Commands.Url"> points to https://localhost:3001');
  });

  it('reports an icon whose file has the wrong size', () => {
    const iconUrl = checkManifestXml(replaceOnce(manifest, '<IconUrl DefaultValue="https://localhost:3000/assets/icon-32.png"/>', '<IconUrl DefaultValue="https://localhost:3000/assets/icon-16.png"/>'));
    expectError(iconUrl, '<IconUrl> must be 32×32 pixels, but icon-16.png is 16×16');

    const highRes = checkManifestXml(replaceOnce(manifest, 'assets/icon-64.png', 'assets/icon-80.png'));
    expectError(highRes, '<HighResolutionIconUrl> must be 64×64 pixels, but icon-80.png is 80×80');

    const ribbon = checkManifestXml(replaceOnce(manifest, '<bt:Image id="Icon.80x80" DefaultValue="https://localhost:3000/assets/icon-80.png"/>', '<bt:Image id="Icon.80x80" DefaultValue="https://localhost:3000/assets/icon-64.png"/>'));
    expectError(ribbon, '<bt:Image size="80" resid="Icon.80x80"> in <Group id="Registry.Group"> must be 80×80 pixels, but icon-64.png is 64×64');
  });

  it('reports a ribbon icon list without a mandatory size, and a size attribute that is not allowed', () => {
    const groupIcons = manifest.match(/<Group id="Registry\.Group">[\s\S]*?<\/Icon>/)![0];
    const without80 = checkManifestXml(replaceOnce(manifest, groupIcons, groupIcons.replace(/\s*<bt:Image size="80" resid="Icon\.80x80"\/>/, '')));
    expectError(without80, '<Group id="Registry.Group"> <Icon> lacks the required image size(s) 80');

    const odd = checkManifestXml(replaceOnce(manifest, groupIcons, groupIcons.replace('size="16"', 'size="17"')));
    expectError(odd, 'needs size= one of 16, 20, 24, 32, 40, 48, 64, 80, found "17"');
  });

  it('reports a URL under /assets/ whose file does not exist', () => {
    const result = checkManifestXml(replaceOnce(manifest, '<bt:Url id="Help.Url" DefaultValue="https://localhost:3000/assets/help.html"/>', '<bt:Url id="Help.Url" DefaultValue="https://localhost:3000/assets/missing.html"/>'));
    expectError(result, '<bt:Url id="Help.Url"> points to https://localhost:3000/assets/missing.html, but addin/assets/missing.html does not exist');
  });

  it('checks icons against the assets directory it is given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-assets-'));
    try {
      for (const file of fs.readdirSync(path.resolve(__dirname, '../../addin/assets'))) {
        fs.copyFileSync(path.resolve(__dirname, '../../addin/assets', file), path.join(dir, file));
      }
      expect(checkManifestXml(manifest, { assetsDir: dir }).errors).toEqual([]);
      fs.copyFileSync(path.join(dir, 'icon-16.png'), path.join(dir, 'icon-32.png'));
      expectError(checkManifestXml(manifest, { assetsDir: dir }), '<IconUrl> must be 32×32 pixels, but icon-32.png is 16×16');
      fs.writeFileSync(path.join(dir, 'icon-64.png'), 'not a png');
      expectError(checkManifestXml(manifest, { assetsDir: dir }), '<HighResolutionIconUrl> points to icon-64.png, which is not a PNG file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const skipped = checkManifestXml(manifest, { assetsDir: null });
    expect(skipped.errors).toEqual([]);
    expect(skipped.warnings.some((w) => w.includes('cannot be checked offline'))).toBe(true);
  });

  it('reports a dangling resid and a resid of the wrong kind', () => {
    const dangling = checkManifestXml(replaceOnce(manifest, '<Label resid="Taskpane.Label"/>', '<Label resid="Taskpane.Caption"/>'));
    expectError(dangling, 'resid "Taskpane.Caption" on <Label> does not match any id in <Resources>');

    const wrongKind = checkManifestXml(replaceOnce(manifest, '<Label resid="Taskpane.Label"/>', '<Label resid="Taskpane.Tooltip"/>'));
    expectError(wrongKind, 'resid "Taskpane.Tooltip" on <Label> refers to a bt:LongStrings entry, but <Label> needs an id from bt:ShortStrings');

    const image = checkManifestXml(replaceOnce(manifest, '<bt:Image id="Icon.16x16"', '<bt:Image id="Icon.16"'));
    expectError(image, 'resid "Icon.16x16" on <Image> does not match any id');
    expect(image.warnings.some((w) => w.includes('resource "Icon.16" in bt:Images is never referenced'))).toBe(true);
  });

  it('reports resource ids that are too long or declared twice', () => {
    const longId = 'Taskpane.Label.With.A.Very.Long.Name';
    const tooLong = checkManifestXml(manifest.split('"Taskpane.Label"').join(`"${longId}"`));
    expectError(tooLong, `resource id "${longId}" is ${longId.length} characters long; the limit is 32`);

    const twice = checkManifestXml(replaceOnce(manifest, '<bt:String id="Group.Label"', '<bt:String id="Taskpane.Label"'));
    expectError(twice, 'resource id "Taskpane.Label" is declared twice in <bt:ShortStrings>');
  });

  it('reports a manifest without a ribbon button', () => {
    const noOverrides = checkManifestXml(replaceOnce(manifest, /\s*<VersionOverrides [\s\S]*<\/VersionOverrides>/, ''));
    expectError(noOverrides, 'the manifest has no <VersionOverrides');

    const noControl = checkManifestXml(replaceOnce(manifest, /\s*<Control xsi:type="Button"[\s\S]*?<\/Control>/, ''));
    expectError(noControl, 'no ribbon button: <VersionOverrides> needs at least one <Control xsi:type="Button">');
    expectError(noControl, '<Group> is missing the required element <Control>');

    const noSource = checkManifestXml(replaceOnce(manifest, /\s*<SourceLocation resid="Taskpane.Url"\/>/, ''));
    expectError(noSource, 'no ribbon button');
    expectError(noSource, '<Action xsi:type="ShowTaskpane"> is missing the required element <SourceLocation>');

    const badAction = checkManifestXml(replaceOnce(manifest, 'xsi:type="ShowTaskpane"', 'xsi:type="OpenWebsite"'));
    expectError(badAction, '<Action> xsi:type must be "ShowTaskpane" or "ExecuteFunction", found "OpenWebsite"');
  });

  it('reports an ExecuteFunction button without a FunctionFile', () => {
    const action = manifest.match(/<Action xsi:type="ShowTaskpane">[\s\S]*?<\/Action>/)![0];
    const executeFunction = replaceOnce(manifest, action, '<Action xsi:type="ExecuteFunction"><FunctionName>openRegistry</FunctionName></Action>');
    expect(checkManifestXml(executeFunction).errors).toEqual([]);
    const withoutFile = checkManifestXml(replaceOnce(executeFunction, /\s*<FunctionFile resid="Commands.Url"\/>/, ''));
    expectError(withoutFile, 'runs a function, so its <DesktopFormFactor> needs a <FunctionFile');
  });

  it('reports VersionOverrides in the wrong namespace or of the wrong type', () => {
    const wrongNs = checkManifestXml(replaceOnce(manifest, '<VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides"', '<VersionOverrides xmlns="http://schemas.microsoft.com/office/mailappversionoverrides"'));
    expectError(wrongNs, '<VersionOverrides> under <OfficeApp xsi:type="TaskPaneApp"> must be in namespace http://schemas.microsoft.com/office/taskpaneappversionoverrides');

    const wrongType = checkManifestXml(replaceOnce(manifest, 'xsi:type="VersionOverridesV1_0"', 'xsi:type="VersionOverridesV1_1"'));
    expectError(wrongType, '<VersionOverrides> xsi:type must be "VersionOverridesV1_0", found "VersionOverridesV1_1"');
  });

  it('reports duplicate control ids and a ribbon host missing from <Hosts>', () => {
    const duplicate = checkManifestXml(replaceOnce(manifest, 'id="Registry.OpenTaskpane"', 'id="Registry.Group"'));
    expectError(duplicate, 'id "Registry.Group" is used twice');

    const noWorkbook = checkManifestXml(replaceOnce(manifest, '<Host Name="Workbook"/>', '<Host Name="Document"/>'));
    expectError(noWorkbook, 'the manifest must declare <Hosts><Host Name="Workbook"/></Hosts>');
    expectError(noWorkbook, '<Host xsi:type="Workbook"> in <VersionOverrides> has no matching <Host Name="Workbook">');
  });

  it('reports strings over the length limits', () => {
    const long126 = 'Ж'.repeat(126);
    const shortString = checkManifestXml(replaceOnce(manifest, '<bt:String id="Taskpane.Label" DefaultValue="Реестр"/>', `<bt:String id="Taskpane.Label" DefaultValue="${long126}"/>`));
    expectError(shortString, '<bt:ShortStrings> string "Taskpane.Label" is 126 characters long; the limit is 125');

    const long251 = 'Ж'.repeat(251);
    const longString = checkManifestXml(replaceOnce(manifest, /<bt:String id="Taskpane.Tooltip" DefaultValue="[^"]*"\/>/, `<bt:String id="Taskpane.Tooltip" DefaultValue="${long251}"/>`));
    expectError(longString, '<bt:LongStrings> string "Taskpane.Tooltip" is 251 characters long; the limit is 250');

    const displayName = checkManifestXml(replaceOnce(manifest, '<DisplayName DefaultValue="Реестр Профсоюза"/>', `<DisplayName DefaultValue="${long126}"/>`));
    expectError(displayName, '<DisplayName> DefaultValue is 126 characters long; the limit is 125');

    const description = checkManifestXml(replaceOnce(manifest, /<Description DefaultValue="[^"]*"\/>/, `<Description DefaultValue="${long251}"/>`));
    expectError(description, '<Description> DefaultValue is 251 characters long; the limit is 250');

    const empty = checkManifestXml(replaceOnce(manifest, '<bt:String id="Group.Label" DefaultValue="Профсоюз"/>', '<bt:String id="Group.Label" DefaultValue=""/>'));
    expectError(empty, '<bt:ShortStrings> string "Group.Label" must not be empty');

    const exactly125 = checkManifestXml(replaceOnce(manifest, '<bt:String id="Taskpane.Label" DefaultValue="Реестр"/>', `<bt:String id="Taskpane.Label" DefaultValue="${'Ж'.repeat(125)}"/>`));
    expect(exactly125.errors).toEqual([]);
  });

  it('warns about an AppDomain that repeats the task pane origin and rejects one with a path', () => {
    const same = checkManifestXml(replaceOnce(manifest, '  <Hosts>\n    <Host Name="Workbook"/>', '  <AppDomains>\n    <AppDomain>https://localhost:3000</AppDomain>\n  </AppDomains>\n  <Hosts>\n    <Host Name="Workbook"/>'));
    expect(same.errors).toEqual([]);
    expect(same.warnings.some((w) => w.includes("is the task pane's own origin"))).toBe(true);

    const withPath = checkManifestXml(replaceOnce(manifest, '  <Hosts>\n    <Host Name="Workbook"/>', '  <AppDomains>\n    <AppDomain>https://localhost:3000/api/</AppDomain>\n  </AppDomains>\n  <Hosts>\n    <Host Name="Workbook"/>'));
    expectError(withPath, '<AppDomain> must be an origin only');
  });
});
