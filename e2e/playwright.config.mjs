// Playwright drives Debian's Chromium (/usr/bin/chromium); it downloads no browser. The site is the
// built dist/ served by a plain static server on loopback.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs$/,
  outputDir: '../test-results',
  fullyParallel: false,
  workers: 1,
  // One retry under CI: a rare timing flake on a loaded 2-core machine (1 in ~6 full runs seen here, none in 78
  // repeated runs of the spec) must not block a landing; Playwright still reports such a test as "flaky".
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-gpu'],
    },
  },
  webServer: {
    command: `python3 -m http.server ${port} --bind 127.0.0.1 -d dist`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/index.html`,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'ignore',
    timeout: 30_000,
  },
});
