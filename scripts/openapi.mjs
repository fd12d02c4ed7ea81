// Writes docs/openapi.json from the built document (run after `npx tsc -p tsconfig.json`); the
// OpenAPI test fails when the committed file and the served document differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../dist/src/api/openapi/document.js';

const root = join(import.meta.dirname, '..');
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'docs', 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log('docs/openapi.json written');
