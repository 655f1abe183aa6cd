// Preloaded into the CLI (node --require): at exit, writes to $HOSTILE_PROBE_FILE its run time and when it printed
// its "neuro-shrink: ..." message (ms), by its own clock: a busy campaign process would see both late. (Its peak
// RSS comes from /usr/bin/time: getrusage() here would carry the forking campaign's high-water mark.)
const fs = require('node:fs');
const started = Date.now();
let messageMs;
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  if (messageMs === undefined && String(chunk).includes('neuro-shrink:')) messageMs = Date.now() - started;
  return write(chunk, ...rest);
};
process.on('exit', () => {
  if (!process.env.HOSTILE_PROBE_FILE) return;
  try {
    fs.writeFileSync(process.env.HOSTILE_PROBE_FILE, JSON.stringify({ ms: Date.now() - started, messageMs }));
  } catch { /* nothing to report to */ }
});
