// The browser part of tests/package/check.sh: e2e/package-cdn.spec.mjs alone, with no site server (the spec
// serves the installed package and its host page itself, on ephemeral loopback ports). The browser settings
// are e2e/playwright.config.mjs's.
import { defineConfig } from '@playwright/test';

import suite from '../../e2e/playwright.config.mjs';

export default defineConfig({
  testDir: '../../e2e',
  testMatch: /package-cdn\.spec\.mjs$/,
  outputDir: '../../test-results/package',
  workers: 1,
  retries: suite.retries,
  timeout: 60_000,
  reporter: 'list',
  use: { launchOptions: suite.use.launchOptions },
});
