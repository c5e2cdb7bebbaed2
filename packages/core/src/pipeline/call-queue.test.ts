import { describe, expect, it } from 'vitest';
import { deferred } from '../testing/fake-plugins.js';
import { CallQueue } from './call-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('CallQueue', () => {
  it('runs jobs one at a time, in call order, even when later jobs would finish first', async () => {
    const q = new CallQueue();
    const log: string[] = [];
    let active = 0;
    const job = (name: string, ms: number) => async () => {
      active++;
      log.push(`start ${name} (${active} running)`);
      await new Promise((r) => setTimeout(r, ms));
      active--;
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([q.run(job('a', 20)), q.run(job('b', 1)), q.run(job('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a (1 running)', 'end a', 'start b (1 running)', 'end b', 'start c (1 running)', 'end c']);
  });

  it('a failing job rejects its own call only; the next job still runs', async () => {
    const q = new CallQueue();
    const failed = q.run(() => Promise.reject(new Error('job failed')));
    const threw = q.run(() => {
      throw new Error('sync throw');
    });
    const after = q.run(() => 'ran');
    await expect(failed).rejects.toThrow('job failed');
    await expect(threw).rejects.toThrow('sync throw');
    expect(await after).toBe('ran');
  });

  it('does not start a job before the previous one settles', async () => {
    const q = new CallQueue();
    const gate = deferred();
    let secondStarted = false;
    const first = q.run(() => gate.promise);
    const second = q.run(() => {
      secondStarted = true;
    });
    await tick();
    expect(secondStarted).toBe(false);
    gate.resolve();
    await Promise.all([first, second]);
    expect(secondStarted).toBe(true);
  });

  it('close() lets the running job finish, refuses the queued and later ones, and resolves once idle', async () => {
    const q = new CallQueue();
    const gate = deferred<string>();
    const running = q.run(() => gate.promise);
    await tick(); // the first job has started
    let queuedRan = false;
    const queued = q.run(() => {
      queuedRan = true;
    });
    let closed = false;
    const closing = q.close(() => new Error('closed')).then(() => (closed = true));
    expect(q.closed).toBe(true);
    await tick();
    expect(closed).toBe(false); // waits for the running job
    gate.resolve('finished');
    expect(await running).toBe('finished');
    await expect(queued).rejects.toThrow('closed');
    expect(queuedRan).toBe(false);
    await closing;
    expect(closed).toBe(true);
    await expect(q.run(() => 'late')).rejects.toThrow('closed');
  });

  it('idle() waits for the jobs queued so far', async () => {
    const q = new CallQueue();
    const done: number[] = [];
    void q.run(async () => {
      await tick();
      done.push(1);
    });
    void q.run(() => Promise.reject(new Error('ignored by idle()'))).catch(() => undefined);
    await q.idle();
    expect(done).toEqual([1]);
  });
});
