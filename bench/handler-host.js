// Runs the bundled handler as one Lambda execution environment would, in a process of its own so
// that its memory is the handler's alone (no emulator, no TypeScript compiler):
//   node bench/handler-host.js <handler file> <events.json> <result.json>
// Invokes the handler once per event, all at once, and writes timings and memory to <result.json>.
// The handler's log lines go to standard output, as on Lambda.
const fs = require('fs');
const { performance } = require('perf_hooks');

const [handlerFile, eventsFile, resultFile] = process.argv.slice(2);
const TIMEOUT_MS = 180_000; // the function's timeout, as lib/provider.ts sets it
const SAMPLE_EVERY_MS = 5;

async function main() {
  const events = JSON.parse(fs.readFileSync(eventsFile, 'utf8'));
  const rssAtStart = process.memoryUsage().rss;

  const loadStarted = performance.now();
  const { handler } = require(handlerFile);
  const loadMs = performance.now() - loadStarted;
  const rssLoaded = process.memoryUsage().rss;

  let peakRss = rssLoaded;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, SAMPLE_EVERY_MS);

  const started = performance.now();
  const finishedMs = await Promise.all(events.map(async (event, i) => {
    const deadline = Date.now() + TIMEOUT_MS;
    const context = {
      awsRequestId: `bench-${i}`,
      functionName: 'Bench-Handler',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    await handler(event, context);
    return performance.now() - started;
  }));
  const wallMs = performance.now() - started;

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  fs.writeFileSync(resultFile, JSON.stringify({
    invocations: events.length, loadMs, wallMs, finishedMs, rssAtStart, rssLoaded, peakRss,
  }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
