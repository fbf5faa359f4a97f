import fs from 'node:fs';
import path from 'node:path';
import { asyncApiDocument } from './asyncApiDocument';
import { contractDocument } from './contractDocument';

/** Writes docs/contract/contract.schema.json and docs/contract/asyncapi.json; `npm run contract`. */
const folder = path.join(process.argv[2] ?? 'docs', 'contract');
fs.mkdirSync(folder, { recursive: true });
for (const [file, document] of [
  ['contract.schema.json', contractDocument()],
  ['asyncapi.json', asyncApiDocument()],
] as const) {
  fs.writeFileSync(path.join(folder, file), `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${path.join(folder, file)}`);
}
