#!/usr/bin/env node
// The `rigl-studio` command: runs the bundled CLI (build it first with `npm run build`).
require('../dist/cli.js');
