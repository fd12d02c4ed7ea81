#!/usr/bin/env node
// The `fedflow` command: runs the compiled CLI (npm run build first).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('fedflow: not built yet; run `npm run build` (or `npm start`) first');
    process.exit(1);
  }
  throw err;
});
