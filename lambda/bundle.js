// Bundles the custom-resource handler into lambda-bundle/index.js, the folder the construct
// uploads as the Lambda's code and the npm package ships, so users never need esbuild.
const path = require('path');
const esbuild = require('esbuild');

const outdir = path.join(__dirname, '..', 'lambda-bundle');

esbuild.buildSync({
  entryPoints: [path.join(__dirname, 'index.ts')],
  outfile: path.join(outdir, 'index.js'),
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  legalComments: 'external',
  logLevel: 'warning',
});
