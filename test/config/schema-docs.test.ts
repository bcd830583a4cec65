import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, renderConfigurationMd, renderSchemaFile } from '../../scripts/config-docs.js';

// The schema in src/config/schema.ts is the one source; these files are generated from it.
describe('generated configuration docs (npm run config:docs)', () => {
  const schema = configJsonSchema();

  it('config.schema.json is up to date', async () => {
    expect(await readFile('config.schema.json', 'utf8')).toBe(await renderSchemaFile(schema));
  });

  it("CONFIGURATION.md's key tables are up to date", async () => {
    const current = await readFile('CONFIGURATION.md', 'utf8');
    expect(current).toBe(await renderConfigurationMd(current, schema));
    for (const section of ['top', 'profiles', 'scrape', 'orders']) {
      expect(current).toContain(`<!-- generated: ${section} -->`);
    }
  });

  it('config.yaml points editors at the schema on its first line', async () => {
    const [first] = (await readFile('config.yaml', 'utf8')).split('\n');
    expect(first).toBe('# yaml-language-server: $schema=config.schema.json');
  });

  it('documents every key, with its default', () => {
    const text = JSON.stringify(schema);
    for (const key of ['endpoint', 'timeout_offset', 'terminal_recheck', 'security_token_file', 'tid']) {
      expect(text).toContain(`"${key}"`);
    }
    expect(schema.properties?.scrape?.properties?.timeout).toMatchObject({
      default: '10s',
      'x-duration-range': 'more than 0s, at most 1h',
    });
  });
});
