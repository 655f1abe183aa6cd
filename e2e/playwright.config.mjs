// Playwright drives Debian's Chromium (/usr/bin/chromium); it downloads no browser. The site is the
// built dist/ served on loopback under a sub-path (e2e/serve.mjs, default /neuro-shrink/, as GitHub Pages
// serves a project site), so every spec also proves the site assumes no root. Specs go to relative URLs
// ('index.html?...'), which resolve against baseURL.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
const prefix = '/neuro-shrink/';
const origin = `http://127.0.0.1:${port}`;

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
    baseURL: `${origin}${prefix}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-gpu'],
    },
  },
  webServer: {
    command: `node e2e/serve.mjs --root dist --prefix ${prefix} --port ${port} --host 127.0.0.1`,
    cwd: '..',
    url: `${origin}${prefix}index.html`,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
    stderr: 'ignore',
    timeout: 30_000,
  },
});
