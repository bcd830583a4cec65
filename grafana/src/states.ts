import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * The job states DMS reports, plus UNKNOWN (a state the exporter does not know) and NO_ANSWER (the
 * dashboard's own word for up=0: the scrape got no answer, so there is no state). Colours: blue
 * while working, green for finished stages, red for the two failures.
 */
export const STATE_COLOURS = {
  INIT: 'light-blue',
  LISTING: 'blue',
  LIST_SUCCESS: 'light-green',
  DOWNLOADING: 'blue',
  DOWNLOAD_FAIL: 'red',
  DOWNLOAD_SUCCESS: 'light-green',
  FILTERING: 'blue',
  FILTER_FAIL: 'red',
  FILTER_SUCCESS: 'green',
  UNKNOWN: 'orange',
  NO_ANSWER: 'purple',
} as const;

export type DisplayedState = keyof typeof STATE_COLOURS;

const STATES = Object.keys(STATE_COLOURS) as DisplayedState[];

/** Colours a text field holding a state name (the status table's `status` column). */
export function stateValueMapping(): ValueMapping {
  const options = Object.fromEntries(
    STATES.map((state, index) => [state, { color: STATE_COLOURS[state], index }] as const),
  );
  return { type: MappingType.ValueToText, options };
}
