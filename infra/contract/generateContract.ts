import fs from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../http/openApiDocument';
import { asyncApiDocument } from './asyncApiDocument';
import { contractDocument } from './contractDocument';

/** Writes docs/contract/contract.schema.json, asyncapi.json and openapi.json (the HTTP API); `npm run contract`. */
const folder = path.join(process.argv[2] ?? 'docs', 'contract');
fs.mkdirSync(folder, { recursive: true });
for (const [file, document] of [
  ['contract.schema.json', contractDocument()],
  ['asyncapi.json', asyncApiDocument()],
  ['openapi.json', openApiDocument()],
] as const) {
  fs.writeFileSync(path.join(folder, file), `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${path.join(folder, file)}`);
}
