/**
 * A place in a FIFO queue of DMS calls. `granted` resolves true when the place comes up, false when
 * it was withdrawn first. Withdrawing is O(1): the entry is marked and skipped later, so giving up on
 * thousands of queued calls at a deadline costs no listener and no search.
 */
export interface QueuePlace {
  readonly granted: Promise<boolean>;
  withdraw(): void;
}

interface Entry {
  resolve: (granted: boolean) => void;
  live: boolean;
}

/** A FIFO of places with O(1) push, grant and withdrawal. */
export class PlaceQueue {
  #entries: Entry[] = [];
  #head = 0;
  #live = 0;

  /** Places waiting (withdrawn ones not counted). */
  get size(): number {
    return this.#live;
  }

  push(): QueuePlace {
    let entry!: Entry;
    const granted = new Promise<boolean>((resolve) => (entry = { resolve, live: true }));
    this.#entries.push(entry);
    this.#live += 1;
    return {
      granted,
      withdraw: () => {
        if (!entry.live) return;
        entry.live = false;
        this.#live -= 1;
        entry.resolve(false);
      },
    };
  }

  /** Grants the oldest live place; false when there is none. */
  grantNext(): boolean {
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head];
      this.#head += 1;
      if (entry?.live !== true) continue;
      entry.live = false;
      this.#live -= 1;
      this.#compact();
      entry.resolve(true);
      return true;
    }
    this.#compact();
    return false;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
