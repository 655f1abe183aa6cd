// The CLI as a child process, for the tests that serve it a local Hub (spawn, not spawnSync: spawnSync would
// block the event loop the local Hub answers on). Resolves to { status, stdout, stderr }.
import { spawn } from 'node:child_process';

const CLI = new URL('../../cli/neuro-shrink.mjs', import.meta.url).pathname;

export function runCli(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
