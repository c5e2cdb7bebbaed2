// Streaming output of `faceattr analyze`: one record per input, written as soon as it and every input
// before it are done, so an interrupted run keeps everything finished so far.
import type { FaceAttrErrorCode } from '@faceattr/core';
import { csvHeader, faceCsvRow, type FaceJson } from './face-json.js';
import { serializeError } from './pool/protocol.js';
import type { VideoFileResult } from './video/analyze-video.js';

/** One image's record in `analyze --json`/`--jsonl`. */
export interface FileResult {
  /** The path as given (or as found in a given directory). */
  file: string;
  /** Image width in pixels. */
  width: number;
  /** Image height in pixels. */
  height: number;
  /** Every face found; empty when there is none. */
  faces: FaceJson[];
}

/** An input that could not be analysed: its FaceAttrError code and message. */
export interface FailedFile {
  /** The path as given. */
  file: string;
  /** The FaceAttrError's code and message (file-system errors are INVALID_INPUT). */
  error: {
    /** The FaceAttrError code. */
    code: FaceAttrErrorCode;
    /** What went wrong and what to change. */
    message: string;
  };
}

/** One record of `analyze --json`/`--jsonl`: an image (`faces`), a video (`type: 'video'`) or a failure (`error`). */
export type AnalyzeResult = FileResult | VideoFileResult | FailedFile;

/** `--json` (one array), `--jsonl` (a JSON object per line), `--csv`, or text. */
export type OutputFormat = 'text' | 'json' | 'jsonl' | 'csv';

export const failedFile = (file: string, e: unknown): FailedFile => {
  const { code, message } = serializeError(e);
  return { file, error: { code, message } };
};

export const isFailed = (r: AnalyzeResult): r is FailedFile => 'error' in r;

function csvRows(r: AnalyzeResult): string[] {
  if (isFailed(r)) return [faceCsvRow(r.file, undefined, undefined, undefined, undefined, undefined, r.error)];
  const rows =
    'type' in r
      ? r.frames.flatMap((fr) => fr.faces.map((f, i) => faceCsvRow(r.file, r.width, r.height, i, f, { frame: fr.frameIndex, timestampMs: fr.timestampMs, trackId: f.trackId })))
      : r.faces.map((f, i) => faceCsvRow(r.file, r.width, r.height, i, f));
  // A file without faces still gets a row (empty face columns), so "no face" differs from "not processed".
  return rows.length ? rows : [faceCsvRow(r.file, r.width, r.height, undefined, undefined)];
}

/** Writes records in one format; `end()` closes a JSON array (also after an interrupt). */
export class RecordWriter {
  #count = 0;

  constructor(
    readonly format: OutputFormat,
    readonly write: (s: string) => void,
    readonly text: (r: Exclude<AnalyzeResult, FailedFile>) => string,
  ) {
    if (format === 'csv') write(`${csvHeader()}\n`);
    if (format === 'json') write('[');
  }

  record(r: AnalyzeResult): void {
    const first = this.#count++ === 0;
    if (this.format === 'json') this.write(`${first ? '\n' : ',\n'}${JSON.stringify(r, null, 2)}`);
    else if (this.format === 'jsonl') this.write(`${JSON.stringify(r)}\n`);
    else if (this.format === 'csv') this.write(`${csvRows(r).join('\n')}\n`);
    else this.write(isFailed(r) ? `${r.file}: failed (${r.error.code}): ${r.error.message}\n` : this.text(r));
  }

  end(): void {
    if (this.format === 'json') this.write(this.#count ? '\n]\n' : ']\n');
  }
}

/** Holds records that finish early until every earlier input is written (output in input order). */
export class InOrder<T> {
  #next = 0;
  readonly #held = new Map<number, T>();

  constructor(readonly emit: (item: T) => void) {}

  /** Inputs finished but not yet written, plus the next one: how far ahead of the output work may run. */
  get nextIndex(): number {
    return this.#next;
  }

  put(index: number, item: T): void {
    this.#held.set(index, item);
    while (this.#held.has(this.#next)) {
      const it = this.#held.get(this.#next)!;
      this.#held.delete(this.#next++);
      this.emit(it);
    }
  }

  /** After an interrupt: writes what finished, in input order, skipping inputs that never ran. */
  flush(): void {
    for (const k of [...this.#held.keys()].sort((a, b) => a - b)) this.emit(this.#held.get(k)!);
    this.#held.clear();
  }
}
