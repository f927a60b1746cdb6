#!/usr/bin/env node
// LanceDB's native logger reads LANCEDB_LOG when it loads: keep its index-building chatter off
// stderr unless the user asked for it.
process.env.LANCEDB_LOG ??= 'error';
await import('../dist/src/cli/main.js');
