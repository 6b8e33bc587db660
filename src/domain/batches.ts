/** WhatsApp's broadcast-list size, which the seed keeps as the batch size for WhatsApp sends. */
export const BROADCAST_LIST_SIZE = 256;

export interface BatchRange {
  /** 1-based list number */
  list: number;
  /** 1-based position of the first recipient */
  from: number;
  /** 1-based position of the last recipient, inclusive */
  to: number;
}

function assertSize(size: number): void {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`Batch size must be a positive integer: ${size}`);
}

export function splitIntoBatches<T>(items: readonly T[], size = BROADCAST_LIST_SIZE): T[][] {
  assertSize(size);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** `List 1: Contacts 1-256`, `List 2: Contacts 257-512`. */
export function batchRanges(total: number, size = BROADCAST_LIST_SIZE): BatchRange[] {
  assertSize(size);
  const ranges: BatchRange[] = [];
  for (let from = 1; from <= total; from += size) {
    ranges.push({ list: ranges.length + 1, from, to: Math.min(from + size - 1, total) });
  }
  return ranges;
}

export function batchCount(total: number, size = BROADCAST_LIST_SIZE): number {
  assertSize(size);
  return Math.ceil(Math.max(0, total) / size);
}

/** The 1-based list number of the recipient at 0-based `index`, stored on each delivery. */
export function batchNumberFor(index: number, size = BROADCAST_LIST_SIZE): number {
  assertSize(size);
  return Math.floor(index / size) + 1;
}
