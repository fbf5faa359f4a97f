import fs from 'node:fs';
import path from 'node:path';
import { contractDocument } from './contractDocument';

/** Writes docs/contract/contract.schema.json; `npm run contract`. */
const target = path.join(process.argv[2] ?? 'docs', 'contract', 'contract.schema.json');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, `${JSON.stringify(contractDocument(), null, 2)}\n`);
console.log(`wrote ${target}`);
