/**
 * Runs work for one key one after another, in the order it was asked for; different keys run side
 * by side. Used where FerretDB's read-modify-write updates would let two writes on one document
 * undo each other, or where order matters to the person on the other end. Keys leave the map once
 * their last work is done.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return function inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const next = (tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return next;
  };
}
