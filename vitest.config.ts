import { defineConfig } from 'vitest/config';

// One run covers unit tests (colocated, src/**) and component/contract tests (test/**). Component tests start
// real HTTP servers on 127.0.0.1 and real databases, so files run in separate forks.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // `npm run test:coverage` (.ci/run): V8 coverage of the production code, summarised on the console and in
    // coverage/coverage-summary.json.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/store/generated/**'],
      reporter: ['text-summary', 'json-summary'],
      // the figure is printed even when a test failed (it then says what the passing tests covered)
      reportOnFailure: true,
    },
  },
});
