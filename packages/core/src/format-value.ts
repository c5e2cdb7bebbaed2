/**
 * A value as an option or input message shows it: `NaN`, `Infinity` and `-0` as they are (JSON.stringify
 * prints NaN as null), strings quoted so "10" is told from 10, other types named, and long values cut.
 */
export function formatValue(value: unknown, maxLength = 80): string {
  const s = format(value, 2);
  return s.length > maxLength ? `${s.slice(0, maxLength - 3)}...` : s;
}

function format(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return `${v}n`;
    case 'undefined':
    case 'boolean':
    case 'symbol':
      return String(v);
    case 'function':
      return `a function${v.name ? ` (${v.name})` : ''}`;
  }
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength} bytes)`;
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength} bytes)`;
  if (depth === 0) return Array.isArray(v) ? '[...]' : '{...}';
  if (Array.isArray(v)) return `[${v.slice(0, 8).map((x) => format(x, depth - 1)).join(', ')}${v.length > 8 ? ', ...' : ''}]`;
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null) return `a ${(v as object).constructor?.name || 'object'}`;
  const entries = Object.entries(v as object);
  if (entries.length === 0) return '{}';
  return `{ ${entries.slice(0, 8).map(([k, x]) => `${k}: ${format(x, depth - 1)}`).join(', ')}${entries.length > 8 ? ', ...' : ''} }`;
}
