import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configJsonSchema, renderConfigurationMd, renderSchemaFile } from '../../scripts/config-docs.js';
import { configSchema } from '../../src/config/schema.js';

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

  it('describes every key of the zod schema, and no key it does not have', () => {
    const keys = documentedKeys(schema);
    expect(keys.length).toBeGreaterThan(30);
    for (const key of ['profiles.*.endpoint', 'scrape.timeout_offset', 'profiles.*.discovery.page_size']) {
      expect(keys.map((k) => k.path)).toContain(key);
    }
    for (const { path, json, zod } of keys) {
      expect(json, `${path} is in the zod schema but not in config.schema.json`).toBeDefined();
      expect(zod, `${path} is in config.schema.json but not in the zod schema`).toBeDefined();
      expect(json?.description, `${path} has no description`).toMatch(/\S/);
    }
  });

  it('shows the default of every key that has one, and none for the others', () => {
    for (const { path, json, zod } of documentedKeys(schema)) {
      const fallback = zod && defaultOf(zod);
      if (fallback === undefined) {
        expect(json, `${path} shows a default it does not have`).not.toHaveProperty('default');
      } else {
        expect(json?.default, `${path} does not show its default`).toEqual(fallback.value);
      }
    }
    expect(schema.properties?.scrape?.properties?.timeout).toMatchObject({
      default: '10s',
      'x-duration-range': 'more than 0s, at most 1h',
    });
  });
});

type Json = ReturnType<typeof configJsonSchema>;

interface LooseDef {
  readonly type: string;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly defaultValue?: unknown;
}

const defOf = (field: z.ZodType): LooseDef => field._zod.def;

/** The schema that says what `field` accepts, past preprocessing, transforms, optional and defaults. */
function core(field: z.ZodType): z.ZodType {
  const def = defOf(field);
  if (def.type === 'pipe' && def.in && def.out)
    return core(defOf(def.in).type === 'transform' ? def.out : def.in);
  if (['optional', 'default', 'prefault'].includes(def.type) && def.innerType) return core(def.innerType);
  return field;
}

/** The default a field takes when it is left out (prefault: the value as written), if it has one. */
function defaultOf(field: z.ZodType): { value: unknown } | undefined {
  const def = defOf(field);
  if (def.type === 'default' || def.type === 'prefault') return { value: def.defaultValue };
  if (def.type === 'optional' && def.innerType) return defaultOf(def.innerType);
  return undefined;
}

/**
 * Every key of config.schema.json and of the zod schema, side by side, down to the leaves (a
 * profile's keys under `profiles.*`, an order's under `orders[]`).
 */
function documentedKeys(root: Json): Array<{ path: string; json?: Json; zod?: z.ZodType }> {
  const found: Array<{ path: string; json?: Json; zod?: z.ZodType }> = [];
  const walk = (prefix: string, json: Json | undefined, zod: z.ZodType): void => {
    const def = defOf(core(zod));
    if (def.type === 'record' && def.valueType) {
      const values = json?.additionalProperties;
      walk(`${prefix}.*`, typeof values === 'object' ? values : undefined, def.valueType);
    } else if (def.type === 'array' && def.element) {
      walk(`${prefix}[]`, json?.items, def.element);
    } else if (def.type === 'object' && def.shape) {
      const keys = new Set([...Object.keys(def.shape), ...Object.keys(json?.properties ?? {})]);
      for (const key of keys) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        const [childJson, childZod] = [json?.properties?.[key], def.shape[key]];
        found.push({ path, json: childJson, zod: childZod });
        if (childZod) walk(path, childJson, childZod);
      }
    }
  };
  walk('', root, configSchema);
  return found;
}
