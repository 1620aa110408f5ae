#!/usr/bin/env node
// Waits until a URL answers HTTP 2xx, e.g. the bridge's /healthz after start-up.
//   node scripts/wait-for-http.mjs <url> [timeoutSeconds=60] [pid-to-watch]
// Exits 0 once it answers, 1 on timeout or when the watched process has exited (no point waiting for a dead server).
const [url, timeoutArg = '60', pidArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: wait-for-http.mjs <url> [timeoutSeconds] [pid]');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg) * 1000;
const pid = pidArg ? Number(pidArg) : undefined;

function processAlive(id) {
  try {
    process.kill(id, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lastProblem = 'no answer yet';
while (Date.now() < deadline) {
  if (pid !== undefined && !processAlive(pid)) {
    console.error(`process ${pid} exited before ${url} answered`);
    process.exit(1);
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.ok) process.exit(0);
    lastProblem = `HTTP ${res.status}`;
  } catch (err) {
    lastProblem = err instanceof Error ? err.message : String(err);
  }
  await sleep(200);
}
console.error(`${url} did not answer 2xx within ${timeoutArg} s (last: ${lastProblem})`);
process.exit(1);
