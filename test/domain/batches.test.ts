import { describe, expect, it } from 'vitest';
import { batchCount, batchNumberFor, batchRanges, splitIntoBatches } from '../../src/domain/batches.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('splitIntoBatches', () => {
  it('splits 512 contacts into 2 lists of 256', () => {
    const batches = splitIntoBatches(range(512));
    expect(batches.map((b) => b.length)).toEqual([256, 256]);
    expect(batches[1]?.[0]).toBe(257);
  });

  it('splits 513 contacts into 3 lists, the last with one', () => {
    const batches = splitIntoBatches(range(513));
    expect(batches.map((b) => b.length)).toEqual([256, 256, 1]);
    expect(batches[2]).toEqual([513]);
  });

  it('keeps order and every item', () => {
    expect(splitIntoBatches(range(7), 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(splitIntoBatches(range(1000)).flat()).toEqual(range(1000));
  });

  it('returns no batches for no items', () => {
    expect(splitIntoBatches([])).toEqual([]);
  });

  it('rejects a size below 1 or fractional', () => {
    expect(() => splitIntoBatches([1], 0)).toThrow(RangeError);
    expect(() => splitIntoBatches([1], 2.5)).toThrow(RangeError);
  });
});

describe('batchRanges', () => {
  it('reproduces the seed: 512 contacts → List 1: 1-256, List 2: 257-512', () => {
    expect(batchRanges(512, 256)).toEqual([
      { list: 1, from: 1, to: 256 },
      { list: 2, from: 257, to: 512 },
    ]);
  });

  it('ends the last list at the total', () => {
    expect(batchRanges(513)).toEqual([
      { list: 1, from: 1, to: 256 },
      { list: 2, from: 257, to: 512 },
      { list: 3, from: 513, to: 513 },
    ]);
    expect(batchRanges(156)).toEqual([{ list: 1, from: 1, to: 156 }]);
    expect(batchRanges(0)).toEqual([]);
  });

  it('counts lists and numbers each recipient', () => {
    expect(batchCount(512)).toBe(2);
    expect(batchCount(513)).toBe(3);
    expect(batchCount(0)).toBe(0);
    expect(batchNumberFor(0)).toBe(1);
    expect(batchNumberFor(255)).toBe(1);
    expect(batchNumberFor(256)).toBe(2);
    expect(batchNumberFor(512)).toBe(3);
  });
});
