import { parseArgs } from 'node:util';
import type { CliHelpers } from '../cli.js';
import { DEFAULT_BACKEND, DEFAULT_DETECTOR, onnxThreads } from '../build-pipeline.js';
import { addToQueue, openQueue, queueResults, queueStatus, startWorker } from './queue.js';

/** `faceattr queue add|status|results` and `faceattr worker`; returns the exit code. */
export async function queueCommand(command: 'queue' | 'worker', argv: string[], out: (s: string) => void, err: (s: string) => void, h: CliHelpers): Promise<number> {
  const sub = command === 'queue' ? argv[0] : undefined;
  if (command === 'queue' && !['add', 'status', 'results'].includes(sub ?? '')) throw h.usageError('queue needs add, status or results.');
  const { values, positionals } = parseArgs({
    args: command === 'queue' ? argv.slice(1) : argv,
    allowPositionals: true,
    options: {
      redis: { type: 'string' },
      queue: { type: 'string' },
      json: { type: 'boolean', default: false },
      jsonl: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      'stall-ms': { type: 'string' },
      detector: { type: 'string', default: DEFAULT_DETECTOR },
      backend: { type: 'string', default: DEFAULT_BACKEND },
      attributes: { type: 'string', default: 'age,gender' },
      mirror: { type: 'boolean', default: false },
      encoder: { type: 'string' },
      'min-face-size': { type: 'string' },
      ...h.FACE_SELECTION_ARGS,
    },
  });
  if (!values.redis) throw h.usageError(`${command}${sub ? ` ${sub}` : ''} needs --redis URL (e.g. redis://127.0.0.1:6379).`);
  const name = values.queue;

  if (command === 'worker') {
    const jobs = h.positiveInt('--jobs', values.jobs) ?? 1;
    const stallMs = h.positiveInt('--stall-ms', values['stall-ms']);
    const minFaceSize = h.positiveInt('--min-face-size', values['min-face-size']);
    const { embedding, ...selection } = h.parseFaceSelection(values);
    const worker = await startWorker({
      redis: values.redis,
      ...(name ? { queue: name } : {}),
      jobs,
      ...(stallMs ? { stallMs } : {}),
      backend: values.backend!,
      detector: values.detector!,
      attributes: h.parseAttributes(values.attributes!),
      mirror: values.mirror!,
      ...(values.encoder ? { encoder: values.encoder } : {}),
      ...(minFaceSize ? { detectorOptions: values.detector === 'haar' ? { minSize: minFaceSize } : { minFaceSize } } : {}),
      ...selection,
      ...(embedding ? { returnEmbedding: true } : {}),
      // Queue workers scale out as processes (several per machine): one thread per job.
      ...onnxThreads(values.backend!, 1),
    });
    err(`faceattr worker ${process.pid}: ${jobs} thread(s) on ${worker.pool.info.backend}/${worker.pool.info.detector}; SIGTERM or Ctrl-C finishes the running jobs and exits\n`);
    // Runs until a signal: then the running jobs finish (their results are stored) and the worker exits 0.
    await h.withInterrupt((signal) => new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })));
    await worker.close();
    err(`faceattr worker ${process.pid}: stopped\n`);
    return 0;
  }

  const queue = openQueue(values.redis, name);
  try {
    if (sub === 'add') {
      if (!positionals.length) throw h.usageError('queue add needs files, directories or http(s) URLs.');
      const r = await addToQueue(queue, positionals);
      for (const s of r.skipped) err(`faceattr: skipping ${s.path}: ${s.message}\n`);
      out(values.json ? `${JSON.stringify(r)}\n` : `added ${r.added} job(s); ${r.existing} already queued\n`);
      return r.skipped.length ? 1 : 0;
    }
    if (sub === 'status') {
      const s = await queueStatus(queue);
      out(values.json ? `${JSON.stringify(s)}\n` : `${s.completed + s.failed}/${s.total} done (${s.completed} completed, ${s.failed} failed), ${s.active} running, ${s.waiting + s.delayed} waiting\n`);
      return 0;
    }
    if (!values.jsonl) throw h.usageError('queue results writes JSON lines: pass --jsonl.');
    for await (const r of queueResults(queue)) out(`${JSON.stringify(r)}\n`);
    return 0;
  } finally {
    await queue.close();
  }
}
