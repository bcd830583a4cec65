/**
 * npm run config:docs: writes config.schema.json (for editors, through the yaml-language-server
 * line in config.yaml) and the key tables of CONFIGURATION.md, both from the zod schema in
 * src/config/schema.ts. test/config/schema-docs.test.ts fails when either is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { DURATION_PATTERN } from 'yaml-files';
import { configSchema } from '../src/config/schema.js';

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
};

export function configJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
    // zod leaves out a `.default()` that wraps a preprocessed field (every `text()` key); the
    // value a left-out key gets is a default all the same.
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      if (def.type === 'default' && jsonSchema.default === undefined) jsonSchema.default = def.defaultValue;
    },
  }) as JsonSchema;
  return {
    $schema: schema.$schema,
    title: 'dms-datatrack-exporter configuration',
    description: 'See CONFIGURATION.md. Any string value may use ${VAR} to read an environment variable.',
    ...schema,
  };
}

/** The tables, keyed by the section they document. */
function configTables(schema: JsonSchema): Record<string, string> {
  const top = schema.properties ?? {};
  const profile = top.profiles?.additionalProperties;
  const profileFields = typeof profile === 'object' ? (profile.properties ?? {}) : {};
  return {
    top: table(schema),
    profiles: table(typeof profile === 'object' ? profile : {}),
    discovery: table(profileFields.discovery ?? {}),
    rate_limit: table(profileFields.rate_limit ?? {}),
    scrape: table(top.scrape ?? {}),
    orders: table(top.orders?.items ?? {}),
  };
}

function table(section: JsonSchema): string {
  const required = new Set(section.required ?? []);
  const rows = Object.entries(section.properties ?? {}).map(([key, field]) => {
    const type = typeOf(field) + (required.has(key) ? ', required' : '');
    const fallback = defaultOf(field.default);
    const meaning = typeof field.description === 'string' ? field.description : '';
    return `| \`${key}\` | ${type} | ${fallback} | ${meaning} |`;
  });
  return ['| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function defaultOf(value: unknown): string {
  if (value === undefined) return 'none';
  return typeof value === 'string' && value !== '' ? `\`${value}\`` : `\`${JSON.stringify(value)}\``;
}

function typeOf(field: JsonSchema): string {
  if (Array.isArray(field.enum)) return field.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (field.pattern === DURATION_PATTERN.source) return `duration, ${String(field['x-duration-range'])}`;
  if (field.type === 'integer') {
    const [min, max] = [Number(field.minimum), Number(field.maximum)];
    return max === Number.MAX_SAFE_INTEGER && min === 1 ? 'positive integer' : `integer ${min}..${max}`;
  }
  if (field.type === 'string') {
    const what = field['x-secret'] === true ? 'secret string' : 'string';
    return `${what}, at most ${String(field.maxLength)} characters`;
  }
  if (field.type === 'array') return 'list';
  if (field.type === 'object') return field.additionalProperties === false ? 'mapping' : 'mapping of names';
  return String(field.type);
}

const MARKER = /(<!-- generated: (\w+) -->)[\s\S]*?(<!-- end generated -->)/g;

/** CONFIGURATION.md with every generated table replaced, formatted as prettier would. */
export async function renderConfigurationMd(current: string, schema: JsonSchema): Promise<string> {
  const tables = configTables(schema);
  const replaced = current.replace(MARKER, (whole, open: string, name: string, close: string) => {
    const body = tables[name];
    return body === undefined ? whole : `${open}\n\n${body}\n\n${close}`;
  });
  return format(replaced, { ...(await resolveConfig('CONFIGURATION.md')), filepath: 'CONFIGURATION.md' });
}

export async function renderSchemaFile(schema: JsonSchema): Promise<string> {
  const options = await resolveConfig('config.schema.json');
  return format(JSON.stringify(schema), { ...options, filepath: 'config.schema.json' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const schema = configJsonSchema();
  await writeFile('config.schema.json', await renderSchemaFile(schema));
  const doc = await readFile('CONFIGURATION.md', 'utf8');
  await writeFile('CONFIGURATION.md', await renderConfigurationMd(doc, schema));
  process.stdout.write('wrote config.schema.json and the tables of CONFIGURATION.md\n');
}
