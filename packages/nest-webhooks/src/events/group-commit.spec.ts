import { GroupCommit } from './group-commit';

/** A writer that records each group it is given and answers when told to. */
function recordingWriter(fail: (items: number[]) => boolean = () => false) {
  const groups: number[][] = [];
  const singles: number[] = [];
  let release: (() => void) | null = null;
  let gate: Promise<void> = Promise.resolve();
  const writer = new GroupCommit<number, string>(
    async (items) => {
      groups.push(items);
      await gate;
      if (fail(items)) throw new Error(`group ${items.join(',')} refused`);
      return items.map((i) => `stored ${i}`);
    },
    async (item) => {
      singles.push(item);
      await gate;
      if (item === 13) throw new Error('13 refused');
      return `stored ${item}`;
    },
    { maxGroup: 4, maxInFlight: 1 },
  );
  return {
    writer,
    groups,
    singles,
    hold() {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    release() {
      release?.();
    },
  };
}

describe('GroupCommit', () => {
  it('an item alone goes out at once, on its own', async () => {
    const w = recordingWriter();
    await expect(w.writer.submit(1)).resolves.toBe('stored 1');
    expect(w.singles).toEqual([1]);
    expect(w.groups).toEqual([]);
  });

  it('items submitted together, or while a group is written, share the next group, at most maxGroup each', async () => {
    const w = recordingWriter();
    w.hold();
    const first = [1, 2].map((i) => w.writer.submit(i));
    await Promise.resolve();
    const waiting = [3, 4, 5, 6, 7, 8, 9].map((i) => w.writer.submit(i));
    expect(w.writer.pending).toBe(8); // one group being written, seven items waiting
    w.release();
    await expect(Promise.all([...first, ...waiting])).resolves.toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `stored ${i}`),
    );
    expect(w.groups).toEqual([
      [1, 2],
      [3, 4, 5, 6],
      [7, 8, 9],
    ]);
    expect(w.writer.pending).toBe(0);
  });

  it('a refused group is written again item by item: only the bad item fails', async () => {
    const w = recordingWriter((items) => items.includes(13));
    const results = await Promise.allSettled([11, 12, 13, 14].map((i) => w.writer.submit(i)));
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('13 refused'));
    expect(w.singles.sort()).toEqual([11, 12, 13, 14]);
  });

  it('with maxInFlight 2, a second group goes out while the first is written', async () => {
    const groups: number[][] = [];
    const gates: (() => void)[] = [];
    const writer = new GroupCommit<number, number>(
      async (items) => {
        groups.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
      async (item) => {
        groups.push([item]);
        await new Promise<void>((resolve) => gates.push(resolve));
        return item;
      },
      { maxGroup: 10, maxInFlight: 2 },
    );
    const first = [writer.submit(1), writer.submit(2)];
    await Promise.resolve();
    const second = [writer.submit(3), writer.submit(4)];
    await Promise.resolve();
    const third = [writer.submit(5)];
    await Promise.resolve();
    expect(groups).toEqual([
      [1, 2],
      [3, 4],
    ]);
    gates.splice(0).forEach((open) => open());
    await Promise.all([...first, ...second]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
    gates.splice(0).forEach((open) => open());
    await expect(Promise.all(third)).resolves.toEqual([5]);
  });

  it('an error retryAlone refuses (a lost connection) fails every item of the group, none written alone', async () => {
    const singles: number[] = [];
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), {
      code: 'ECONNRESET',
    });
    const writer = new GroupCommit<number, number>(
      () => Promise.reject(lost),
      async (item) => {
        singles.push(item);
        return item;
      },
      { maxGroup: 10, maxInFlight: 1, retryAlone: (error) => error !== lost },
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => writer.submit(i)));
    expect(results).toEqual([1, 2, 3].map(() => ({ status: 'rejected', reason: lost })));
    expect(singles).toEqual([]);
  });

  it('a failed single item rejects its caller and the next items still go out', async () => {
    const w = recordingWriter();
    await expect(w.writer.submit(13)).rejects.toThrow('13 refused');
    await expect(w.writer.submit(14)).resolves.toBe('stored 14');
  });
});
