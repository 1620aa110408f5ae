// ESLint flat config: type-aware typescript-eslint rules plus the import boundaries: one block per row of the
// "May import" table in docs/ARCHITECTURE.md (docs/reference/style.md §2.2–2.3).
// The boundaries use the core rule `no-restricted-imports` (no plugin). Flat config does not merge one rule's options
// across config objects — the last matching object wins — so every folder below gets ONE complete list.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const TEST_FILES = ['**/*.test.ts', 'test/**/*.ts'];

// ── Building blocks of the import boundaries ─────────────────────────────────────────────────────────────────────
const pkg = (name, message) => ({ name, message });
const group = (patterns, message) => ({ group: patterns, message });

const EXPRESS = pkg('express', 'Express belongs to src/http (docs/reference/style.md §2.2).');
const SCIMMY = pkg('scimmy', 'scimmy belongs to src/scim (docs/reference/style.md §2.2).');
const PRISMA = pkg('prisma', 'Prisma belongs to src/store (docs/reference/style.md §2.2).');
const AXIOS = pkg('axios', 'Only src/connectors (through connectors/http-client.ts) talks HTTP upstream.');
const PG = pkg('pg', 'Database drivers belong to src/store.');
const SQLITE = pkg('better-sqlite3', 'Database drivers belong to src/store.');

const PRISMA_SCOPE = group(
  ['@prisma/*', 'prisma/*'],
  'Prisma belongs to src/store (docs/reference/style.md §2.2).',
);
const PASSPORT = group(['passport', 'passport-*', 'passport/*'], 'Authentication belongs to src/http.');
const DRIVER_SUBPATHS = group(['pg/*', 'better-sqlite3/*'], 'Database drivers belong to src/store.');
const AXIOS_SUBPATHS = group(['axios/*', 'axios-retry'], 'Only src/connectors talks HTTP upstream.');
const EXPRESS_SUBPATHS = group(['express/*'], 'Express belongs to src/http.');

const layer = (folder, owner) =>
  group(
    [`**/${folder}`, `**/${folder}/**`],
    `src/${folder} is not reachable from here: ${owner} (docs/reference/style.md §2.2).`,
  );
const HTTP_LAYER = layer('http', 'the composition root (src/main.ts) wires HTTP');
const SCIM_LAYER = layer('scim', 'the HTTP adapter calls the SCIM adapter, not the other way round');
const STORE_LAYER = layer('store', 'persistence arrives through ports defined in src/core');
const CONNECTORS_LAYER = layer(
  'connectors',
  'connectors arrive through the Connector port (src/core/connector.ts)',
);
const SIMULATORS_LAYER = layer(
  'simulators',
  'simulators are test/demo upstreams, started by the composition root',
);
const APP_LAYER = layer('app', 'use-cases are called by the HTTP adapter and wired by the composition root');
const CORE_LAYER = layer('core', 'the provisioning core arrives through the composition root');
const CONFIG_LAYER = layer(
  'config',
  'the configuration is parsed once and handed down by the composition root',
);
const CLI_LAYER = layer('cli', 'the CLI is an entry point of its own');
const SHARED_LAYER = layer('shared', 'src/shared is for the bridge, not for this layer');
const COMPOSITION_ROOT = group(
  ['**/container', '**/container.js', '**/upstreams', '**/upstreams.js', '**/main', '**/main.js'],
  'Only entry points import the composition root (src/container.ts, src/upstreams.ts).',
);
const COMMANDER = pkg('commander', 'commander belongs to src/cli.');
const PINO_HTTP = pkg('pino-http', 'Request logging belongs to src/http.');
const PROM_CLIENT = pkg(
  'prom-client',
  'Metrics belong to src/observability (the core reports through its ports).',
);
const OBSERVABILITY_LAYER = layer('observability', 'metrics and readiness are wired by the composition root');
/** Every outer layer, for the folders that must not reach any. */
const OUTER_LAYERS = [
  HTTP_LAYER,
  APP_LAYER,
  STORE_LAYER,
  CONNECTORS_LAYER,
  SIMULATORS_LAYER,
  CLI_LAYER,
  COMPOSITION_ROOT,
];

const restrict = (paths, patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'node_modules/**',
      'src/store/generated/**',
      'bench/results/**',
      '.tmp/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      parserOptions: {
        // One TypeScript program for the files tsconfig.json includes (src, test, bench and what they import); the
        // stand-alone scripts outside it get the default project (allowDefaultProject accepts no `**`).
        projectService: {
          allowDefaultProject: ['scripts/*.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: TS_FILES,
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'error',
      // An `async` method without `await` is the normal way to implement a Promise-returning port (an in-memory
      // fake, a synchronous store behind an async interface); no-floating-promises/no-misused-promises catch the
      // real async mistakes.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Plain JavaScript (this file, small .mjs helpers): no type information.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },

  // ── Import boundaries: one block per row of docs/ARCHITECTURE.md's "May import" (production code; tests may
  // reach across layers to build fixtures). main.ts, container.ts and upstreams.ts may import everything.
  // Everything under src/: axios only in connectors/http-client.ts (and the simulators, which are upstream fakes).
  {
    files: ['src/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict([AXIOS], [AXIOS_SUBPATHS]),
  },
  // src/config: the environment schema, zod and the SCIM input limits' defaults (scim/limits.ts) only.
  {
    files: ['src/config/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, SCIMMY, PRISMA, AXIOS, PG, SQLITE, COMMANDER],
      [
        ...OUTER_LAYERS,
        CORE_LAYER,
        SHARED_LAYER,
        group(['**/scim/*', '!**/scim/limits.js'], 'src/config reads only the input limits of src/scim.'),
        PRISMA_SCOPE,
        EXPRESS_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/shared: leaf helpers every layer may use (logger port, pino logger, mutexes, collections); nothing of ours.
  {
    files: ['src/shared/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, SCIMMY, PRISMA, AXIOS, PG, SQLITE, COMMANDER],
      [...OUTER_LAYERS, CORE_LAYER, SCIM_LAYER, CONFIG_LAYER, PRISMA_SCOPE, EXPRESS_SUBPATHS, AXIOS_SUBPATHS],
    ),
  },
  // src/http: Express adapter; may import app, scim and shared.
  {
    files: ['src/http/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, SCIMMY, PRISMA, AXIOS, PG, SQLITE, COMMANDER],
      [
        OBSERVABILITY_LAYER,
        STORE_LAYER,
        CORE_LAYER,
        CONNECTORS_LAYER,
        SIMULATORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        COMPOSITION_ROOT,
        PRISMA_SCOPE,
        DRIVER_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/app: SCIM use-cases; may import scim, store, core and shared, never a framework or an upstream.
  {
    files: ['src/app/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, SCIMMY, PRISMA, AXIOS, PG, SQLITE, COMMANDER, PINO_HTTP],
      [
        OBSERVABILITY_LAYER,
        HTTP_LAYER,
        CONNECTORS_LAYER,
        SIMULATORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        COMPOSITION_ROOT,
        EXPRESS_SUBPATHS,
        PRISMA_SCOPE,
        PASSPORT,
        DRIVER_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/scim: the SCIM protocol engine, pure; scimmy and nothing else of ours.
  {
    files: ['src/scim/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, PRISMA, AXIOS, PG, SQLITE, COMMANDER, PINO_HTTP],
      [
        ...OUTER_LAYERS,
        CORE_LAYER,
        CONFIG_LAYER,
        SHARED_LAYER,
        EXPRESS_SUBPATHS,
        PRISMA_SCOPE,
        PASSPORT,
        DRIVER_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/store: Prisma and the drivers; implements core's ports, reads scim's filter predicate type; shared.
  {
    files: ['src/store/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, SCIMMY, AXIOS, COMMANDER, PINO_HTTP],
      [
        OBSERVABILITY_LAYER,
        HTTP_LAYER,
        APP_LAYER,
        CONNECTORS_LAYER,
        SIMULATORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        COMPOSITION_ROOT,
        EXPRESS_SUBPATHS,
        PASSPORT,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/core: the provisioning core knows no framework, driver, HTTP client nor any outer layer; shared only.
  {
    files: ['src/core/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, SCIMMY, PRISMA, AXIOS, PG, SQLITE, COMMANDER, PINO_HTTP],
      [
        ...OUTER_LAYERS,
        SCIM_LAYER,
        CONFIG_LAYER,
        EXPRESS_SUBPATHS,
        PRISMA_SCOPE,
        PASSPORT,
        DRIVER_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/connectors: upstream clients implement the core's Connector port; axios only in http-client.ts.
  {
    files: ['src/connectors/**/*.ts'],
    ignores: [...TEST_FILES, 'src/connectors/http-client.ts'],
    rules: restrict(
      [PROM_CLIENT, EXPRESS, PRISMA, SCIMMY, PG, SQLITE, COMMANDER, PINO_HTTP, AXIOS],
      [
        OBSERVABILITY_LAYER,
        HTTP_LAYER,
        APP_LAYER,
        STORE_LAYER,
        SCIM_LAYER,
        SIMULATORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        COMPOSITION_ROOT,
        EXPRESS_SUBPATHS,
        PRISMA_SCOPE,
        PASSPORT,
        DRIVER_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  {
    files: ['src/connectors/http-client.ts'],
    rules: restrict(
      [PROM_CLIENT, EXPRESS, PRISMA, SCIMMY, PG, SQLITE, COMMANDER, PINO_HTTP],
      [
        HTTP_LAYER,
        APP_LAYER,
        STORE_LAYER,
        SCIM_LAYER,
        SIMULATORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        PRISMA_SCOPE,
      ],
    ),
  },
  // src/simulators: fake AAC / Server APIs with express and zod; not part of the bridge's layers.
  {
    files: ['src/simulators/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, PRISMA, SCIMMY, PG, SQLITE, COMMANDER, PINO_HTTP],
      [
        OBSERVABILITY_LAYER,
        HTTP_LAYER,
        APP_LAYER,
        STORE_LAYER,
        SCIM_LAYER,
        CORE_LAYER,
        CONNECTORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        COMPOSITION_ROOT,
        PRISMA_SCOPE,
        DRIVER_SUBPATHS,
      ],
    ),
  },
  // src/observability: Prometheus metrics (prom-client) and readiness; core's ports, store queries and shared.
  {
    files: ['src/observability/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [EXPRESS, SCIMMY, PRISMA, AXIOS, PG, SQLITE, COMMANDER, PINO_HTTP],
      [
        HTTP_LAYER,
        APP_LAYER,
        SCIM_LAYER,
        CONNECTORS_LAYER,
        SIMULATORS_LAYER,
        CONFIG_LAYER,
        CLI_LAYER,
        COMPOSITION_ROOT,
        EXPRESS_SUBPATHS,
        PRISMA_SCOPE,
        PASSPORT,
        DRIVER_SUBPATHS,
        AXIOS_SUBPATHS,
      ],
    ),
  },
  // src/cli: the admin/auditor CLI (commander); store, config and shared.
  {
    files: ['src/cli/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(
      [PROM_CLIENT, EXPRESS, SCIMMY, AXIOS, PINO_HTTP],
      [
        OBSERVABILITY_LAYER,
        HTTP_LAYER,
        APP_LAYER,
        SCIM_LAYER,
        CONNECTORS_LAYER,
        SIMULATORS_LAYER,
        COMPOSITION_ROOT,
        EXPRESS_SUBPATHS,
        PASSPORT,
        AXIOS_SUBPATHS,
      ],
    ),
  },

  // ── Tests, benchmarks and scripts: relaxed ──────────────────────────────────────────────────────────────────
  {
    files: [...TEST_FILES, 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // supertest's `res.body` and JSON fixtures are `any` by design; asserting on them is the point of a test.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(obj.method).toHaveBeenCalled() passes methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
