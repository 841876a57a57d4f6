// `npm run bench`: measures this construct side by side with the native AWS::AppFabric::Ingestion
// and a generic AwsCustomResource, prints one table and writes it, with the findings, to
// BENCHMARKS.md. Builds what it needs (handler bundle, lib/ when stale). Takes about 2-3 minutes.
// `node bench/run.js --render [results.json]` renders the last run's raw results again.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const {
  ROOT, build, bundleSize, coldLoad, environment, handlerRuns, progress, synth, synthProfile,
} = require('./measure');
const { render } = require('./report');
const { comparePolicies } = require('./retry-model');

const SETTINGS = {
  /** Synth of 50: this many rounds, each one fresh process per kind (ours and native alternate A B, B A). */
  synthRounds: 7,
  /** Synth of 1, for the marginal template bytes and the fixed cost. */
  synthSmallRounds: 3,
  /** Pairs of fresh processes; process start-up varies by tens of ms, so more than the 10 the goal names. */
  coldLoadRuns: 20,
  /** A resource's life through create, repeat, updates and deletes, calls counted per event. */
  eventRuns: 3,
  /** 50 creates at once against 5 requests per second, with the handler as built. */
  burstRuns: 5,
  /** Simulated runs per policy in bench/retry-model.js. */
  modelTrials: 500,
};

/** ours, native, and the generic custom resource; `floor` is a reference for the synth analysis only. */
const KINDS = ['ours', 'native', 'acr', 'floor'];

/** Where the raw results of the last run are kept, so that `node bench/run.js --render` can re-render them. */
const RESULTS_FILE = path.join(os.tmpdir(), 'appfabric-bench-results.json');

function write(results) {
  const { table, markdown } = render(results);
  process.stdout.write(`\n${table}\n`);
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), markdown);
}

async function main() {
  if (process.argv[2] === '--render') {
    write(JSON.parse(fs.readFileSync(process.argv[3] ?? RESULTS_FILE, 'utf8')));
    return;
  }
  const started = performance.now();
  progress('bench: building the handler bundle (and lib/ when stale)');
  build();
  const env = environment();

  progress('bench: handler bundle size and cold load');
  const bundle = bundleSize();
  const cold = coldLoad(SETTINGS.coldLoadRuns);

  progress(`bench: synth, ${SETTINGS.synthRounds} rounds of 50 ingestions per kind, then ${SETTINGS.synthSmallRounds} of 1`);
  const synth50 = synth(KINDS, 50, SETTINGS.synthRounds);
  const synth1 = synth(KINDS, 1, SETTINGS.synthSmallRounds);
  const profile = synthProfile(50);

  progress('bench: AppFabric calls per event, then 50 creates at once against 5 requests per second');
  const handler = await handlerRuns(SETTINGS.eventRuns, SETTINGS.burstRuns);

  progress('bench: retry model');
  const model = {
    trials: SETTINGS.modelTrials,
    withRetryAfter: comparePolicies(SETTINGS.modelTrials, {}),
    withoutRetryAfter: comparePolicies(SETTINGS.modelTrials, { retryAfter: false }, ['handler', 'previous']),
  };

  const results = {
    env, settings: SETTINGS, bundle, cold, synth50, synth1, profile, handler, model,
    durationS: (performance.now() - started) / 1000,
  };
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(results));
  write(results);
  progress(`\nbench: wrote BENCHMARKS.md in ${results.durationS.toFixed(0)} s (raw results: ${RESULTS_FILE})`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
