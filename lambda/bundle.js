// Bundles the custom-resource handler into lambda-bundle/index.js, the folder the construct
// uploads as the Lambda's code and the npm package ships, so users never need esbuild.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const outdir = path.join(__dirname, '..', 'lambda-bundle');

/** The esbuild options of the handler bundle; bench/ builds with the same ones to read a metafile. */
const options = {
  entryPoints: [path.join(__dirname, 'index.ts')],
  outfile: path.join(outdir, 'index.js'),
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  // The AWS SDK packages ship CommonJS (`main`) and ES modules (`module`). esbuild prefers `main`
  // on Node, and CommonJS cannot be tree-shaken: a `require('@aws-sdk/core/client')` then pulls
  // in the whole SDK client core (user-agent parsing, bowser, protocols, event streams) for the
  // one function the handler uses. The ES modules keep the bundle to what is used (256 KB -> 70 KB).
  mainFields: ['module', 'main'],
  // The ES modules load node:http lazily with import(); as require() it also runs where dynamic
  // import is unavailable, such as the tests' VM contexts.
  supported: { 'dynamic-import': false },
  legalComments: 'external',
  logLevel: 'warning',
};

if (require.main === module) {
  // Start from an empty folder: whatever is in it becomes the Lambda's code.
  fs.rmSync(outdir, { recursive: true, force: true });
  esbuild.buildSync(options);
}

module.exports = { options };
