/**
 * A one-node ONNX model (y = Relu(x), x: float[1]) written byte by byte, so the backend can try an
 * execution provider at init() without depending on a protobuf library or a model asset.
 */

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

// Protobuf wire format: key = field << 3 | wire type (0 varint, 2 length-delimited).
const int = (field: number, v: number) => [...varint((field << 3) | 0), ...varint(v)];
const msg = (field: number, body: number[]) => [...varint((field << 3) | 2), ...varint(body.length), ...body];
const str = (field: number, s: string) => msg(field, [...new TextEncoder().encode(s)]);

// ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1: FLOAT, shape=2: {dim=1: {dim_value=1: 1}}}}}
const floatVector = (name: string) => [...str(1, name), ...msg(2, msg(1, [...int(1, 1), ...msg(2, msg(1, int(1, 1)))]))];

/** ModelProto{ir_version=1: 7, opset_import=8: {version=2: 13}, graph=7: {...}} */
export const PROBE_MODEL = new Uint8Array([
  ...int(1, 7),
  ...msg(8, int(2, 13)),
  ...msg(7, [
    // NodeProto{input=1, output=2, name=3, op_type=4}
    ...msg(1, [...str(1, 'x'), ...str(2, 'y'), ...str(3, 'probe'), ...str(4, 'Relu')]),
    ...str(2, 'probe'),
    ...msg(11, floatVector('x')),
    ...msg(12, floatVector('y')),
  ]),
]);
