/**
 * For plugins that carry a small WebAssembly module in their JS bundle as base64 (no file to serve, no
 * fetch): the MTCNN pyramid, the Haar scan, the attribute model's alignment warp.
 */

/** The bytes of a module carried as base64. */
export function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * Compiles and instantiates a base64 module (no imports) asynchronously, as browsers require on their main
 * thread. Resolves to its exports, or to undefined where WebAssembly (or a feature the module uses, such
 * as SIMD) is missing or refused, e.g. by a CSP without 'wasm-unsafe-eval': callers fall back to JS then.
 */
export async function instantiateBase64Wasm<T>(base64: string): Promise<T | undefined> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') return undefined;
  try {
    const { instance } = await WebAssembly.instantiate(base64Bytes(base64), {});
    return instance.exports as unknown as T;
  } catch {
    return undefined;
  }
}
