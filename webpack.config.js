// @ts-check
/**
 * Builds the Excel add-in (addin/) into dist/, which the registry server serves:
 *
 *   dist/taskpane.html   task pane page  (addin/ui/taskpane.html + bundle of addin/ui/taskpane.ts)
 *   dist/commands.html   commands page   (addin/commands/commands.html + addin/commands/commands.ts)
 *   dist/*.js            bundles, content-hashed in production (cache forever, a new name on change)
 *   dist/taskpane.*.css  addin/ui/taskpane.css, copied with a content hash and linked from taskpane.html
 *   dist/assets/         addin/assets (icons, help page)
 *   dist/manifest.xml    manifest.xml with https://localhost:3000 replaced by the public origin
 *
 * The origin in dist/manifest.xml: ADDIN_ORIGIN when set (its first entry if it is a comma-separated
 * list), otherwise PUBLIC_ORIGIN when it is https, otherwise https://localhost:3000. The server
 * rewrites the origin again when it serves /manifest.xml.
 *
 * Office.js is loaded by the pages from Microsoft's CDN and never bundled. Styles are plain CSS
 * files (no css-loader/style-loader is installed): do not `import './x.css'` from TypeScript; put the
 * task pane styles in addin/ui/taskpane.css.
 *
 * `npm run build` = webpack --mode production; `npm run build:dev` / `npm run watch` = development.
 */
const path = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');

const ROOT = __dirname;
const DIST = path.join(ROOT, 'dist');
/** The origin written in manifest.xml (development default). */
const DEV_ORIGIN = 'https://localhost:3000';

/**
 * The webviews the pane must run in: Internet Explorer 11 and EdgeHTML 18 (Office 2016/2019 on
 * Windows), plus every evergreen one (WebView2, WKWebView, the browsers of Excel on the web).
 * `useBuiltIns: 'usage'` adds a core-js import for each built-in a file uses (Promise, Symbol,
 * iterators, Map/Set, Array.from, Object.entries, String#includes…); fetch, AbortController and the
 * first-needed ones are imported by addin/polyfills.ts, the head of the taskpane and upload entries.
 * @type {import('@babel/core').TransformOptions}
 */
const BABEL_OPTIONS = {
  babelrc: false,
  configFile: false,
  sourceType: 'module',
  presets: [
    [
      '@babel/preset-env',
      {
        targets: { ie: '11', edge: '18' },
        modules: false,
        useBuiltIns: 'usage',
        corejs: require('core-js/package.json').version,
        bugfixes: true,
        // 'usage' sees only method names (it cannot know that `.map` is called on an array), so it
        // would add polyfills for built-ins newer than the type checker's lib (ES2022, tsconfig.json),
        // which therefore cannot be used in this code: iterator helpers, the new Set methods,
        // Map#getOrInsert, Promise.try/withResolvers, Uint8Array base64. Typed arrays themselves are
        // native in IE11; the code only fills a Uint8Array for crypto.getRandomValues.
        exclude: [
          /^es\.iterator\./,
          /^esnext\./,
          /^es\.set\.(difference|intersection|is-disjoint-from|is-subset-of|is-superset-of|symmetric-difference|union)/,
          /^es\.(weak-)?map\.get-or-insert/,
          /^es\.promise\.(try|with-resolvers)$/,
          /^es\.uint8-array\./,
          /^es\.typed-array\./,
          /^es\.array-buffer\./,
        ],
      },
    ],
  ],
  // Babel's helpers (async functions → generators, for…of, spread, classes) imported once from
  // @babel/runtime instead of copied into every module: ~half the size of the ES5 bundle.
  plugins: [['@babel/plugin-transform-runtime', { corejs: false, helpers: true, regenerator: true, version: require('@babel/runtime/package.json').version }]],
};

/**
 * @param {string} value
 * @param {string} name
 * @returns {string}
 */
function httpsOrigin(value, name) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an https origin such as https://registry.example.org, got "${value}"`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`${name} must use https (Office loads add-ins only over https), got "${value}"`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`${name} must be an origin only, without a path, got "${value}"`);
  }
  return url.origin;
}

/**
 * The origin to write into dist/manifest.xml.
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ origin: string, source: string }}
 */
function manifestOrigin(env) {
  const addin = (env.ADDIN_ORIGIN ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (addin.length > 0) return { origin: httpsOrigin(addin[0], 'ADDIN_ORIGIN'), source: 'ADDIN_ORIGIN' };
  const publicOrigin = (env.PUBLIC_ORIGIN ?? '').trim();
  if (publicOrigin.startsWith('https://')) return { origin: httpsOrigin(publicOrigin, 'PUBLIC_ORIGIN'), source: 'PUBLIC_ORIGIN' };
  return { origin: DEV_ORIGIN, source: 'the development default' };
}

/**
 * Internet Explorer 11 has no CSS custom properties: before each `color: var(--text)` the copy gets
 * `color: #242424` (the value from :root), which IE11 applies and every other web view overrides
 * with the variable (postcss-custom-properties, preserve: true).
 * @param {Buffer} content
 * @param {string} absoluteFrom
 * @returns {Promise<string>}
 */
async function withCustomPropertyFallbacks(content, absoluteFrom) {
  const postcss = require('postcss');
  const customProperties = require('postcss-custom-properties');
  const result = await postcss([customProperties({ preserve: true })]).process(content.toString('utf8'), { from: absoluteFrom });
  return result.css;
}

/**
 * Links each copied stylesheet addin/ui/<page>.css or addin/<page>/<page>.css from dist/<page>.html (the file name carries a
 * content hash in production, so the link is added at build time rather than written in the HTML).
 */
class LinkCopiedStylesheetsPlugin {
  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('LinkCopiedStylesheetsPlugin', (compilation) => {
      HtmlWebpackPlugin.getHooks(compilation).beforeAssetTagGeneration.tapAsync('LinkCopiedStylesheetsPlugin', (data, callback) => {
        const page = path.basename(data.outputName, '.html');
        for (const asset of compilation.getAssets()) {
          if (asset.info.sourceFilename === `addin/ui/${page}.css` || asset.info.sourceFilename === `addin/${page}/${page}.css`) {
            data.assets.css.push(data.assets.publicPath + asset.name);
          }
        }
        callback(null, data);
      });
    });
  }
}

/**
 * @param {Record<string, unknown>} _env
 * @param {{ mode?: 'production' | 'development' | 'none' }} argv
 * @returns {import('webpack').Configuration}
 */
module.exports = (_env, argv) => {
  const production = argv.mode !== 'development';
  const { origin, source } = manifestOrigin(process.env);
  if (origin !== DEV_ORIGIN) console.log(`dist/manifest.xml: origin ${origin} (from ${source})`);

  return {
    context: ROOT,
    mode: production ? 'production' : 'development',
    // Volume-licensed Office 2016/2019 on Windows runs the pane in Internet Explorer 11 (Trident+), and
    // retail 2016/2019 without WebView2 in EdgeHTML 18 (Microsoft's «Browsers and webview controls used
    // by Office Add-ins»): webpack's own runtime is emitted as ES5, and Babel turns our code into ES5
    // with core-js polyfills for the built-ins it uses (see BABEL_OPTIONS). test/es5-bundles.test.ts
    // parses every shipped script as ES5.
    target: ['web', 'es5'],
    entry: {
      // addin/polyfills.ts first: it installs Promise before webpack's chunk loader or any async code needs it.
      taskpane: ['./addin/polyfills.ts', './addin/ui/taskpane.ts'],
      commands: './addin/commands/commands.ts',
      upload: ['./addin/polyfills.ts', './addin/upload/upload.ts'],
    },
    output: {
      path: DIST,
      filename: production ? '[name].[contenthash:8].js' : '[name].js',
      // Pages, bundles and styles sit side by side in dist/: relative URLs work under any origin and path.
      publicPath: '',
      clean: true,
    },
    // No eval-based source maps: the server's Content-Security-Policy does not allow eval.
    devtool: production ? false : 'source-map',
    resolve: {
      extensions: ['.ts', '.js'],
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          // Loaders run bottom-up: TypeScript → modern JavaScript (ES modules kept, so webpack can drop
          // unused exports) → Babel → ES5 with polyfill imports.
          use: [
            { loader: 'babel-loader', options: BABEL_OPTIONS },
            {
              loader: 'ts-loader',
              options: {
                transpileOnly: true, // type checking is `npm run typecheck`
                configFile: path.join(ROOT, 'tsconfig.json'),
                compilerOptions: {
                  noEmit: false,
                  module: 'es2020',
                  target: 'es2022',
                  sourceMap: !production,
                },
              },
            },
          ],
        },
      ],
    },
    plugins: [
      new HtmlWebpackPlugin({
        filename: 'taskpane.html',
        template: './addin/ui/taskpane.html',
        chunks: ['taskpane'],
        inject: 'head',
        scriptLoading: 'defer', // runs after office.js (a plain script above it) and after the page is parsed
      }),
      new HtmlWebpackPlugin({
        filename: 'commands.html',
        template: './addin/commands/commands.html',
        chunks: ['commands'],
        inject: 'head',
        scriptLoading: 'defer',
      }),
      new HtmlWebpackPlugin({
        filename: 'upload.html',
        template: './addin/upload/upload.html',
        chunks: ['upload'],
        inject: 'head',
        scriptLoading: 'defer',
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'addin/assets', to: 'assets' },
          // ES3, never bundled: it must run where the bundle cannot (see the file).
          { from: 'addin/ui/boot.js', to: 'boot.js' },
          {
            from: 'addin/ui/*.css',
            to: production ? '[name].[contenthash:8][ext]' : '[name][ext]',
            noErrorOnMissing: true,
            transform: { transformer: withCustomPropertyFallbacks, cache: true },
          },
          {
            from: 'addin/upload/*.css',
            to: production ? '[name].[contenthash:8][ext]' : '[name][ext]',
            transform: { transformer: withCustomPropertyFallbacks, cache: true },
          },
          {
            from: 'manifest.xml',
            to: 'manifest.xml',
            transform: (content) => content.toString('utf8').split(DEV_ORIGIN).join(origin),
          },
        ],
      }),
      new LinkCopiedStylesheetsPlugin(),
    ],
    // Sized for a chair on a slow mobile link (~1 Mbit/s ≈ 125 KB/s). The ES5 build for Internet
    // Explorer 11 / EdgeHTML 18 (Babel's output + core-js) made the pane's first load 137 → 300 KB
    // (44 → 97 KB gzip, ≈ 0.8 s at that speed). Budget: 340 KiB for the entry or one file (about
    // 13 % to grow); test/es5-bundles.test.ts holds it for what the pane loads first, with 110 KiB
    // gzipped (≈ 0.9 s at 1 Mbit/s).
    performance: production
      ? {
          hints: 'warning',
          maxEntrypointSize: 340 * 1024,
          maxAssetSize: 340 * 1024,
          assetFilter: (name) => /\.(js|css)$/.test(name),
        }
      : false,
  };
};
