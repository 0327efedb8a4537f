#!/usr/bin/env node
// The `rigl-studio` command: runs the bundled CLI (built by `npm run build` into dist/cli.js).
require('../dist/cli.js').run();
