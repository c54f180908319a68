/**
 * The ways to install the add-in as the login letter tells them — the same four ways, in the same
 * order and with the same menu paths as README.md («Как установить надстройку в Excel») and
 * docs/install-addin.md (install-ways.test.ts finds every menu item of each way, in order, in both).
 */
export interface InstallWay {
  /** Heading of the way in README.md and in docs/install-addin.md (where the search for its menu starts). */
  readonly readmeHeading: string;
  readonly docsHeading: string;
  /** Menu items in the order they are pressed (as both documents name them). */
  readonly menu: readonly string[];
  /** The letter's line for this way. */
  readonly letter: string;
}

const chain = (items: readonly string[]) => items.map((i) => `«${i}»`).join(' → ');

const ADMIN = ['Параметры', 'Интегрированные приложения'];
const WINDOWS_TRUST = ['Файл', 'Параметры', 'Центр управления безопасностью', 'Параметры центра управления безопасностью', 'Каталоги надёжных надстроек'];
const WINDOWS_ADD = ['Главная', 'Надстройки', 'Дополнительные надстройки'];
const WEB = ['Главная', 'Надстройки', 'Дополнительные надстройки', 'Отправить мою надстройку'];
const MAC_FOLDER = '~/Library/Containers/com.microsoft.Excel/Data/Documents/wef';

export const INSTALL_WAYS: readonly InstallWay[] = [
  {
    readmeHeading: 'Централизованное развёртывание (Microsoft 365)',
    docsHeading: '## 1. Централизованное развёртывание (Microsoft 365)',
    menu: ADMIN,
    letter: `а) Microsoft 365 в организации: надстройку ставит администратор Microsoft 365 (центр администрирования → ${chain(ADMIN)}); кнопка «Реестр» сама появится на вкладке «Главная».`,
  },
  {
    readmeHeading: 'Общая папка-каталог (Excel для Windows)',
    docsHeading: '## 2. Excel для Windows: общая папка-каталог',
    menu: [...WINDOWS_TRUST, ...WINDOWS_ADD],
    letter: `б) Excel для Windows: сохраните файл надстройки (ссылка в таблице выше) в общую папку; ${chain(WINDOWS_TRUST)} — добавьте путь к папке, отметьте «Показывать в меню», перезапустите Excel; затем ${chain(WINDOWS_ADD)} → «ОБЩАЯ ПАПКА» → «Реестр Профсоюза».`,
  },
  {
    readmeHeading: 'Excel в браузере.',
    docsHeading: '## 3. Excel в браузере: загрузка манифеста',
    menu: WEB,
    letter: `в) Excel в браузере: ${chain(WEB)} → выберите сохранённый файл надстройки manifest.xml.`,
  },
  {
    readmeHeading: 'Excel для Mac.',
    docsHeading: '## 4. Excel для Mac: папка wef',
    menu: [MAC_FOLDER, 'Надстройки'],
    letter: `г) Excel для Mac: скопируйте файл надстройки manifest.xml в папку ${MAC_FOLDER} (создайте её, если её нет), перезапустите Excel; затем «Главная» → «Надстройки» → «Реестр Профсоюза».`,
  },
];

/** The letter's install step: every way on its own line. */
export function installStepText(): string {
  return ['Установите надстройку «Реестр Профсоюза» в Excel одним из способов (если её уже установил администратор, пропустите этот шаг):', ...INSTALL_WAYS.map((w) => w.letter)].join('\n');
}
