import fs from 'node:fs';
import path from 'node:path';
import { commandTypes } from '../../domain/commands';
import { queryNames } from '../../domain/queries';
import { openApiDocument } from '../../infra/http/openApiDocument';

describe('issue #18: the HTTP API OpenAPI document (docs/contract/openapi.json) is generated from the zod schemas', () => {
  const committed = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'contract', 'openapi.json'), 'utf8'),
  ) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: object } };

  test('docs/contract/openapi.json is up to date: run `npm run contract` after changing a schema', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  test('OpenAPI 3.1 with every query as GET and every command as POST, by their exact names', () => {
    expect(committed.openapi).toBe('3.1.0');
    for (const name of queryNames) expect(committed.paths[`/api/queries/${name}`]).toHaveProperty('get');
    for (const type of commandTypes) expect(committed.paths[`/api/commands/${type}`]).toHaveProperty('post');
  });

  test('every reference points at a component of the document (no dangling $defs)', () => {
    const text = JSON.stringify(committed);
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    const schemas = committed.components.schemas as Record<string, unknown>;
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
  });
});
