// The measurements of `npm run bench`, one function per figure; bench/run.js runs them in order
// and bench/report.js renders what they return.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const zlib = require('zlib');

const ROOT = path.join(__dirname, '..');
const BUNDLE_FILE = path.join(ROOT, 'lambda-bundle', 'index.js');

/** Median, min and max of a list of numbers. */
function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

function progress(message) {
  process.stderr.write(`${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || ''}${result.stdout || ''}`.slice(0, 4000));
  }
  return result;
}

/**
 * Bundles the handler (esbuild, well under a second) and compiles lib/ with jsii when a lib/*.ts
 * is newer than its .js, so that a fresh clone after `npm ci` measures the current sources.
 */
function build() {
  run(process.execPath, [path.join(ROOT, 'lambda', 'bundle.js')], { stdio: 'inherit' });
  const libDir = path.join(ROOT, 'lib');
  const stale = fs.readdirSync(libDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .filter((file) => {
      const js = path.join(libDir, file.replace(/\.ts$/, '.js'));
      return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(path.join(libDir, file)).mtimeMs;
    });
  if (stale.length > 0) {
    progress(`compiling lib/ with jsii (${stale.length} stale: ${stale.join(', ')})`);
    run('npm', ['run', '--silent', 'compile'], { stdio: 'inherit' });
  }
}

/** Size of the built handler, and what dominates it, from an esbuild metafile of the same build. */
function bundleSize() {
  const esbuild = require('esbuild');
  const { options } = require(path.join(ROOT, 'lambda', 'bundle.js'));
  const code = fs.readFileSync(BUNDLE_FILE);
  const meta = esbuild.buildSync({ ...options, write: false, metafile: true, logLevel: 'silent' }).metafile;
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('.js'))[1];
  const byPackage = {};
  for (const [file, input] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = match ? match[1] : `${file.split('/')[0]}/ (this package)`;
    byPackage[key] = (byPackage[key] ?? 0) + input.bytesInOutput;
  }

  // The generic AwsCustomResource's handler, for comparison; its AWS SDK comes from the Lambda runtime.
  const acrHandler = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')),
    'custom-resource-handlers', 'dist', 'custom-resources', 'aws-custom-resource-handler', 'index.js');
  const acrCode = fs.existsSync(acrHandler) ? fs.readFileSync(acrHandler) : undefined;
  return {
    bytes: code.length,
    gzipBytes: zlib.gzipSync(code, { level: 9 }).length,
    byPackage: Object.entries(byPackage).sort((a, b) => b[1] - a[1]),
    acr: acrCode && { bytes: acrCode.length, gzipBytes: zlib.gzipSync(acrCode, { level: 9 }).length },
  };
}

function timeProcess(args) {
  const started = performance.now();
  run(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - started;
}

/** Fresh `node` processes, alternating `node -e 0` and one that requires the bundle. */
function coldLoad(runs) {
  const baseline = [];
  const withBundle = [];
  const requireMs = [];
  const requireBundle = `require(${JSON.stringify(BUNDLE_FILE)})`;
  const measureRequire = `const {performance}=require('perf_hooks');const t=performance.now();${requireBundle};`
    + 'process.stdout.write(String(performance.now()-t))';
  // One pair first, not counted: it reads node and the bundle into the page cache.
  timeProcess(['-e', '0']);
  timeProcess(['-e', requireBundle]);
  for (let i = 0; i < runs; i++) {
    // A B, then B A, so that drift in the machine's load hits both alike.
    if (i % 2 === 0) {
      baseline.push(timeProcess(['-e', '0']));
      withBundle.push(timeProcess(['-e', requireBundle]));
    } else {
      withBundle.push(timeProcess(['-e', requireBundle]));
      baseline.push(timeProcess(['-e', '0']));
    }
    requireMs.push(Number(run(process.execPath, ['-e', measureRequire]).stdout));
  }
  return {
    baseline: summarize(baseline),
    withBundle: summarize(withBundle),
    overBaseline: summarize(withBundle.map((ms, i) => ms - baseline[i])),
    overBaselineOfMedians: summarize(withBundle).median - summarize(baseline).median,
    requireMs: summarize(requireMs),
  };
}

/** One synth sample in a fresh process: bench/synth-app.js prints its timing and template size. */
function synthSample(kind, count, extraNodeArgs = []) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'appfabric-bench-synth-'));
  const started = performance.now();
  const result = run(process.execPath, [...extraNodeArgs, path.join(__dirname, 'synth-app.js'), kind, String(count), outdir]);
  const processMs = performance.now() - started;
  const sample = { ...JSON.parse(result.stdout.trim().split('\n').pop()), processMs };
  const template = fs.readFileSync(path.join(outdir, 'Bench.template.json'), 'utf8');
  fs.rmSync(outdir, { recursive: true, force: true });
  return { sample, template };
}

/**
 * Synth of `count` resources per kind, one fresh process per sample. The kinds take turns, and
 * ours and native alternate (A B, then B A), so that drift in the machine's load hits both.
 */
function synth(kinds, count, rounds) {
  const samples = Object.fromEntries(kinds.map((kind) => [kind, []]));
  const templates = {};
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? kinds : [kinds[1], kinds[0], ...kinds.slice(2).reverse()];
    for (const kind of order) {
      const { sample, template } = synthSample(kind, count);
      samples[kind].push(sample);
      templates[kind] = template;
    }
  }
  return { samples, templates };
}

/**
 * One synth of ours with `--cpu-prof`: inclusive time of the frames that explain where it goes.
 */
function synthProfile(count) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appfabric-bench-prof-'));
  const { sample } = synthSample('ours', count, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250']);
  const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parents.set(child, node.id);
    }
  }
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas[i]));

  const frames = [
    ['Ingestion constructors, all of them (the first one creates the provider)', (f) => f.functionName === 'Ingestion' && f.url.endsWith('/lib/ingestion.js')],
    ['IngestionProvider: lambda.Function, its role and its code asset', (f) => f.functionName === 'IngestionProvider' && f.url.endsWith('/lib/provider.js')],
    ['lambda.Function construction', (f) => /^Function\d*$/.test(f.functionName) && f.url.endsWith('aws-lambda/lib/function.js')],
    ['Code.fromAsset: an aws-s3-assets Asset', (f) => f.functionName === 'Asset' && f.url.endsWith('aws-s3-assets/lib/asset.js')],
    ['s3.Bucket.fromBucketAttributes (loads aws-s3 and region-info)', (f) => f.functionName === 'fromBucketAttributes' && f.url.endsWith('aws-s3/lib/bucket.js')],
    ['AssetStaging (hashes and copies lambda-bundle/)', (f) => f.functionName === 'AssetStaging' && f.url.endsWith('core/lib/asset-staging.js')],
    ['app.synth()', (f) => f.functionName === 'synth' && f.url.endsWith('core/lib/stage.js')],
  ];
  const totals = frames.map(() => 0);
  for (const [id, us] of selfUs) {
    const counted = new Set();
    for (let current = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current).callFrame;
      frames.forEach(([, matches], i) => {
        if (!counted.has(i) && matches(frame)) {
          counted.add(i);
          totals[i] += us;
        }
      });
    }
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  return {
    synthMs: sample.synthMs,
    processProfileMs: totalUs / 1000,
    frames: frames.map(([label], i) => ({ label, ms: totals[i] / 1000 })).filter((frame) => frame.ms > 0),
  };
}

/** The handler's side (bench/handler-runs.ts), in a ts-node process of its own. */
function handlerRuns(eventRuns, burstRuns) {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appfabric-bench-handler-')), 'result.json');
  const args = ['-r', 'ts-node/register', path.join(__dirname, 'handler-runs.ts'), resultFile, String(eventRuns), String(burstRuns)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`bench/handler-runs.ts exited with ${code}`));
        return;
      }
      resolve(JSON.parse(fs.readFileSync(resultFile, 'utf8')));
    });
  });
}

/** The machine and versions the figures come from. */
function environment() {
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
  const version = (name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf8')).version;
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: cpus.length,
    cpu: cpus[0]?.model?.trim(),
    memoryGb: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    awsCdkLib: version('aws-cdk-lib'),
    esbuild: version('esbuild'),
    commit: git(['rev-parse', '--short', 'HEAD']),
    changedFiles: (git(['status', '--porcelain', '--untracked-files=no']) || '').split('\n').filter(Boolean).length,
    loadAverage: os.loadavg()[0],
  };
}

module.exports = {
  ROOT, build, bundleSize, coldLoad, environment, handlerRuns, progress, summarize, synth, synthProfile,
};
