import { FaceAttrError, describeError } from '@faceattr/core';

/** Limits on downloading an image. */
export interface FetchLimits {
  /** Give up after this long (connect + download), ms. Default 30000. */
  timeoutMs?: number;
  /** Refuse bodies larger than this, bytes (checked on Content-Length and while reading). Default 50 MB. */
  maxBytes?: number;
}

/**
 * Downloads an image over http(s) with a time and size limit. Failures are INVALID_INPUT; those that
 * may pass on a later try (network errors, timeouts, 5xx, 429) carry `details.transient: true`.
 */
export async function fetchImage(url: string, { timeoutMs = 30_000, maxBytes = 50 << 20 }: FetchLimits = {}): Promise<Uint8Array> {
  const fail = (msg: string, transient: boolean, cause?: unknown) =>
    new FaceAttrError('INVALID_INPUT', `Cannot fetch ${url}: ${msg}`, { details: { url, transient }, ...(cause ? { cause } : {}) });
  let res: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    throw fail(signal.aborted ? `no answer within ${timeoutMs} ms` : describeError(e), true, e);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw fail(`HTTP ${res.status}`, res.status >= 500 || res.status === 429);
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw fail(`${declared} bytes is over the ${maxBytes}-byte limit`, false);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = res.body?.getReader();
    for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) {
      const chunk = r.value;
      total += chunk.byteLength;
      if (total > maxBytes) {
        await reader!.cancel();
        throw fail(`the body is over the ${maxBytes}-byte limit`, false);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof FaceAttrError) throw e;
    throw fail(signal.aborted ? `download took over ${timeoutMs} ms` : describeError(e), true, e);
  }
  return Buffer.concat(chunks, total);
}
