#!/usr/bin/env node
// `npm start`: build what changed (incremental, seconds when nothing did), then run the whole
// graph in THIS process (stack/dist/embedded.js), so signals reach it directly.
const path = require('node:path');
const { build } = require('./build');

try {
  build();
} catch {
  process.stderr.write('build failed; see the errors above\n');
  process.exit(1);
}
require(path.join(__dirname, '..', 'stack/dist/embedded.js'));
