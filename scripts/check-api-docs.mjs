// Regenerates the API reference from the compiled .jsii into a temporary file and fails when the committed
// API.md differs: a change of the public API must come with `npm run docgen` and a review of API.md.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

// jsii-docgen reads the compiled assembly: compile first when it is missing or older than a source.
const assembly = path.join(root, '.jsii');
const sources = fs.readdirSync(path.join(root, 'lib'), { recursive: true })
  .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map(f => path.join(root, 'lib', f));
const assemblyTime = fs.existsSync(assembly) ? fs.statSync(assembly).mtimeMs : 0;
if (sources.some(f => fs.statSync(f).mtimeMs > assemblyTime)) {
  execFileSync('npm', ['run', 'compile'], { cwd: root, stdio: 'inherit' });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-appfabric-ingestion-docgen-'));
try {
  const fresh = path.join(work, 'API.md');
  execFileSync('npx', ['jsii-docgen', '--output', fresh], { cwd: root, stdio: 'inherit' });

  const committed = path.join(root, 'API.md');
  if (!fs.existsSync(committed)) {
    console.error('API.md is missing: run `npm run docgen` and commit API.md');
    process.exit(1);
  }
  if (fs.readFileSync(fresh, 'utf8') !== fs.readFileSync(committed, 'utf8')) {
    try {
      execFileSync('diff', ['-u', committed, fresh], { stdio: 'inherit' });
    } catch {
      // diff exits 1 when the files differ; its output is the point.
    }
    console.error('API.md is stale (diff above): run `npm run docgen` and commit API.md');
    process.exit(1);
  }
  console.log('API.md is up to date');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
