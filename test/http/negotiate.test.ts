import { describe, expect, it } from 'vitest';
import { negotiateExposition } from '../../src/http/negotiate.js';
import { PROMETHEUS_2_ACCEPT, PROMETHEUS_3_ACCEPT } from '../support/scrape-headers.js';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const OM_0_0_1 = 'application/openmetrics-text; version=0.0.1; charset=utf-8';

// [who sends it, Accept header, the Content-Type we answer with]
const TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ['Prometheus 3.x', PROMETHEUS_3_ACCEPT, OM],
  ['Prometheus 2.x', PROMETHEUS_2_ACCEPT, OM],
  ['Prometheus 2.x without OpenMetrics', 'text/plain;version=0.0.4;q=1,*/*;q=0.1', TEXT],
  ['curl', '*/*', TEXT],
  ['a browser', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', TEXT],
  ['no header', '', TEXT],
  ['text 0.0.4', 'text/plain;version=0.0.4', TEXT],
  ['text, no version (means 0.0.4)', 'text/plain', TEXT],
  ['spaces and upper case', ' Text/Plain ; Version=0.0.4 ', TEXT],
  ['OpenMetrics 1.0.0', 'application/openmetrics-text;version=1.0.0', OM],
  ['OpenMetrics 1.0.0, quoted version', 'application/openmetrics-text; version="1.0.0"', OM],
  [
    'OpenMetrics 1.0.0, escaping=allow-utf-8',
    'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8',
    OM,
  ],
  [
    'OpenMetrics 1.0.0, escaping=underscores',
    'application/openmetrics-text;version=1.0.0;escaping=underscores',
    OM,
  ],
  ['OpenMetrics 1.0.0, escaping=dots', 'application/openmetrics-text;version=1.0.0;escaping=dots', OM],
  ['OpenMetrics 1.0.0, escaping=values', 'application/openmetrics-text;version=1.0.0;escaping=values', OM],
  ['OpenMetrics 1.0.0, unknown escaping', 'application/openmetrics-text;version=1.0.0;escaping=rot13', OM],
  ['OpenMetrics 1.0.0, charset', 'application/openmetrics-text; version=1.0.0; charset=utf-8', OM],
  [
    'OpenMetrics 0.0.1 alone (expfmt: same body, its own type)',
    'application/openmetrics-text;version=0.0.1',
    OM_0_0_1,
  ],
  ['OpenMetrics without version (expfmt: means 0.0.1)', 'application/openmetrics-text', OM_0_0_1],
  ['any application/*', 'application/*', OM],
  ['any text/*', 'text/*', TEXT],
  ['text preferred by q', 'application/openmetrics-text;version=1.0.0;q=0.4,text/plain;q=0.5', TEXT],
  ['equal q: our preference', 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4', TEXT],
  ['text refused, anything else welcome', 'text/plain;q=0,*/*', OM],
  ['OpenMetrics refused', 'application/openmetrics-text;version=1.0.0;q=0,*/*;q=0.1', TEXT],
  ['text 1.0.0 only (not served: expfmt falls back)', 'text/plain;version=1.0.0;escaping=allow-utf-8', TEXT],
  ['OpenMetrics 2.0.0 only (not served)', 'application/openmetrics-text;version=2.0.0', TEXT],
  [
    'protobuf only (not served)',
    'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
    TEXT,
  ],
  ['JSON only (not served: text, like client_golang, no 406)', 'application/json', TEXT],
  ['everything refused', '*/*;q=0', TEXT],
  ['a bare *', '*', TEXT],
  ['garbage', 'garbage;;;,,/,=;q=', TEXT],
  ['invalid q is ignored', 'application/openmetrics-text;version=1.0.0;q=high', TEXT],
  ['q above 1 is ignored', 'application/openmetrics-text;version=1.0.0;q=2,text/plain;q=0.1', TEXT],
  [
    'a quoted comma is not a separator',
    'text/plain;x="a,application/openmetrics-text;version=1.0.0,b";q=0.5',
    TEXT,
  ],
];

describe('negotiateExposition', () => {
  it.each(TABLE)('%s', (_who, accept, contentType) => {
    const exposition = negotiateExposition(accept);
    expect(exposition.contentType).toBe(contentType);
    expect(exposition.format).toBe(contentType === TEXT ? 'text' : 'openmetrics');
  });
});
