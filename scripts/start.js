#!/usr/bin/env node
// `npm start`: build what changed (incremental, seconds when nothing did), then run the whole
// graph in THIS process (packages/stack/dist/embedded.js), so signals reach it directly.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['gateway/dist/compose.js'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
} catch {
  process.stderr.write('build failed; see the errors above\n');
  process.exit(1);
}
require(path.join(root, 'packages/stack/dist/embedded.js'));
