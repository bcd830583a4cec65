// The bounds of a config load, apart from the loader: the command line shows their defaults
// without loading the parser and the schema.

export interface LoadLimits {
  /** A larger file is refused before it is parsed. */
  readonly maxBytes: number;
  /**
   * More orders than this are refused (raise it with --config.max-orders), counted before the file is
   * parsed; so is a file with more YAML tokens than that many orders need (parseBudget).
   */
  readonly maxOrders: number;
  /** Heap of the worker thread that loads the file, in MiB; left out, it follows the container (loader-heap.ts). */
  readonly maxHeapMb?: number;
}

export const DEFAULT_LIMITS: LoadLimits = { maxBytes: 4 * 1024 * 1024, maxOrders: 10_000 };

/** Outside a container, and the most the loader-heap rule gives: more than any config within the default caps needs. */
export const DEFAULT_LOADER_HEAP_MB = 256;
