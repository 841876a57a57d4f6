// Packs the library as npm publishes it, installs the tarball in an empty folder next to aws-cdk-lib and
// constructs only (no esbuild, no TypeScript, no Docker), and synthesizes a plain JavaScript app with it.
// Exits non-zero when the tarball holds what it should not, or the app does not synthesize as expected.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function run(command, args, cwd, env = {}) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-appfabric-ingestion-package-'));
try {
  // 1. Pack: prepack builds the handler bundle and compiles the library with jsii. `--prebuilt` (used by
  // `npm test`, which has just built both) skips that second build.
  const prebuilt = process.argv.includes('--prebuilt');
  run('npm', ['pack', '--loglevel', 'warn', '--pack-destination', work, ...(prebuilt ? ['--ignore-scripts'] : [])], root);
  const [tarballName] = fs.readdirSync(work).filter(f => f.endsWith('.tgz'));
  assert.ok(tarballName, 'npm pack wrote no tarball');
  const tarball = path.join(work, tarballName);
  const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).map(f => f.replace(/^package\//, ''));
  console.log(`package: ${tarballName}, ${(fs.statSync(tarball).size / 1024).toFixed(1)} KB packed, ${files.length} files (${elapsed()})`);

  for (const required of ['package.json', 'README.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts', 'lambda-bundle/index.js']) {
    assert.ok(files.includes(required), `the tarball lacks ${required}`);
  }
  const unwanted = files.filter(f => /^(test|bin|lambda|cdk\.out|scripts|node_modules|dist)\//.test(f)
    || (f.endsWith('.ts') && !f.endsWith('.d.ts'))
    || /(^|\/)(tsconfig.*\.json|.*\.tsbuildinfo|cdk\.json|eslint\.config\.mjs)$/.test(f));
  assert.deepEqual(unwanted, [], 'the tarball holds tests, sources or build files');

  // 2. jsii-pacmak's js target (what a release publishes to npm) packs the same files. The other targets are
  // configured for Construct Hub and a release pipeline: their builders need registries this machine cannot reach.
  const pacmakOut = path.join(work, 'dist');
  run('npx', ['jsii-pacmak', '--targets', 'js', '--outdir', pacmakOut], root, { npm_config_ignore_scripts: 'true' });
  const [pacmakTarball] = fs.readdirSync(path.join(pacmakOut, 'js'));
  const pacmakFiles = run('tar', ['-tzf', path.join(pacmakOut, 'js', pacmakTarball)], work)
    .split('\n').filter(Boolean).map(f => f.replace(/^package\//, ''));
  assert.deepEqual(pacmakFiles.sort(), [...files].sort(), 'jsii-pacmak packs other files than npm pack');
  console.log(`jsii-pacmak --targets js: ${pacmakTarball} (${elapsed()})`);

  // 3. Install the tarball in an empty folder with the exact peer versions this repository is tested with.
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const peer = name => `${name}@${lock.packages[`node_modules/${name}`].version}`;
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'package-check-app', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, peer('aws-cdk-lib'), peer('constructs')], app);
  console.log(`installed ${tarballName}, ${peer('aws-cdk-lib')}, ${peer('constructs')} (${elapsed()})`);

  const appRequire = createRequire(path.join(app, 'app.js'));
  for (const devTool of ['esbuild', 'typescript', 'ts-node', 'jsii']) {
    assert.throws(() => appRequire.resolve(devTool), `${devTool} is installed next to the package, so the check proves nothing`);
  }

  // What Construct Hub reads: the package's metadata and the jsii assembly with its language targets.
  const installed = path.join(app, 'node_modules', 'cdk-appfabric-ingestion');
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  const assembly = JSON.parse(fs.readFileSync(path.join(installed, '.jsii'), 'utf8'));
  assert.ok(manifest.keywords.includes('cdk') && manifest.keywords.includes('awscdk'), `keywords ${manifest.keywords}`);
  assert.match(manifest.version, /^0\./, 'an experimental package stays at 0.x');
  assert.equal(assembly.docs?.stability, 'experimental');
  assert.equal(assembly.license, 'Apache-2.0');
  assert.deepEqual(Object.keys(assembly.targets).sort(), ['dotnet', 'go', 'java', 'js', 'python']);
  assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), ['aws-cdk-lib', 'constructs']);
  assert.deepEqual(manifest.dependencies ?? {}, {}, 'runtime dependencies would need bundling for jsii');

  // 4. Synthesize a plain JavaScript app that uses the package as a user would.
  fs.writeFileSync(path.join(app, 'app.js'), `
const { App, Stack } = require('aws-cdk-lib');
const { Ingestion, IngestionApp } = require('cdk-appfabric-ingestion');

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'PackageCheck', { env: { account: '111122223333', region: 'us-east-1' } });
new Ingestion(stack, 'OktaAuditLogs', {
  appBundle: 'arn:aws:appfabric:us-east-1:111122223333:appbundle/00000000-0000-4000-8000-000000000000',
  app: IngestionApp.OKTA,
  tenantId: 'acme.okta.com',
});
app.synth();
`);
  run('node', ['app.js'], app);

  const out = path.join(app, 'cdk.out');
  const template = JSON.parse(fs.readFileSync(path.join(out, 'PackageCheck.template.json'), 'utf8'));
  const types = Object.values(template.Resources).map(r => r.Type);
  assert.equal(types.filter(t => t === 'Custom::AppFabricIngestion').length, 1, `expected one Custom::AppFabricIngestion in ${types}`);
  assert.equal(types.filter(t => t === 'AWS::Lambda::Function').length, 1, `expected one Lambda function in ${types}`);

  const [fn] = Object.values(template.Resources).filter(r => r.Type === 'AWS::Lambda::Function');
  const assets = JSON.parse(fs.readFileSync(path.join(out, 'PackageCheck.assets.json'), 'utf8'));
  const assetHash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
  const asset = assets.files[assetHash];
  assert.ok(asset, `the function's code ${fn.Properties.Code.S3Key} is no asset of the stack`);
  const handlerDir = path.join(out, asset.source.path);
  // esbuild writes the bundled dependencies' licence comments next to the bundle, when they have any.
  const handlerFiles = fs.readdirSync(handlerDir).sort();
  assert.ok(handlerFiles.includes('index.js'), `no index.js in the handler asset ${handlerDir}`);
  assert.deepEqual(handlerFiles.filter(f => f !== 'index.js.LEGAL.txt'), ['index.js'], `unexpected files in the handler asset ${handlerDir}`);
  assert.equal(typeof appRequire(path.join(handlerDir, 'index.js')).handler, 'function', 'the handler asset exports no handler');

  console.log(`synthesized: ${types.length} resources, handler asset ${asset.source.path}/index.js `
    + `(${(fs.statSync(path.join(handlerDir, 'index.js')).size / 1024).toFixed(0)} KB) (${elapsed()})`);
  console.log('package check: 1 passed, 0 failed');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
