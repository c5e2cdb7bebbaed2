import protobuf from 'protobufjs';

/**
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) the
 * converter writes, as a protobufjs JSON descriptor. Field numbers follow onnx.proto; fields
 * the converter never sets are left out (decoders skip unknown fields, so this stays readable
 * by every ONNX consumer).
 */
const ONNX_DESCRIPTOR: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: 'repeated', type: 'ValueInfoProto', id: 13 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TensorTypeProto', id: 1 } },
        },
        // TypeProto.Tensor in onnx.proto; a nested message there, flattened here (same wire format).
        TensorTypeProto: {
          fields: {
            elemType: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'DimensionProto', id: 1 } },
        },
        // TensorShapeProto.Dimension in onnx.proto; dim_value and dim_param form a oneof there.
        DimensionProto: {
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

/** ONNX TensorProto.DataType values the converter uses. */
export const OnnxDataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface OnnxTensor {
  name: string;
  dataType: OnnxDataType;
  dims: number[];
  /** Little-endian element bytes. */
  rawData: Uint8Array;
}

export type OnnxAttributeValue = number | string | number[] | { ints: number[] } | { floats: number[] } | { float: number } | OnnxTensor;

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttributeValue>;
}

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataType;
  /** number = fixed size; string = symbolic (free) dimension; undefined = unknown rank. */
  shape?: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  opset: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Record<string, string>;
}

let root: protobuf.Root | undefined;
function modelType(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_DESCRIPTOR);
  return root.lookupType('onnx.ModelProto');
}

function attributeToProto(name: string, v: OnnxAttributeValue): Record<string, unknown> {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; pass {float: v} for floats.`);
    return { name, type: OnnxAttributeType.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: OnnxAttributeType.INTS, ints: v };
  if ('ints' in v) return { name, type: OnnxAttributeType.INTS, ints: v.ints };
  if ('floats' in v) return { name, type: OnnxAttributeType.FLOATS, floats: v.floats };
  if ('float' in v) return { name, type: OnnxAttributeType.FLOAT, f: v.float };
  return { name, type: OnnxAttributeType.TENSOR, t: tensorToProto(v) };
}

function tensorToProto(t: OnnxTensor): Record<string, unknown> {
  return { name: t.name, dataType: t.dataType, dims: t.dims, rawData: t.rawData };
}

function valueInfoToProto(v: OnnxValueInfo): Record<string, unknown> {
  const tensorType: Record<string, unknown> = { elemType: v.elemType };
  if (v.shape) tensorType['shape'] = { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name: v.name, type: { tensorType } };
}

/** Serialises a model to ONNX protobuf bytes (IR version 7, which opset 13 needs at least). */
export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const type = modelType();
  const g = m.graph;
  const message = type.fromObject({
    irVersion: 7,
    producerName: m.producerName,
    producerVersion: m.producerVersion,
    docString: m.docString ?? '',
    opsetImport: [{ domain: '', version: m.opset }],
    metadataProps: Object.entries(m.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([k, v]) => attributeToProto(k, v)),
      })),
      initializer: g.initializers.map(tensorToProto),
      input: g.inputs.map(valueInfoToProto),
      output: g.outputs.map(valueInfoToProto),
    },
  });
  return type.encode(message).finish();
}

/** Decodes ONNX bytes back to a plain object (tests read the converted graph with it). */
export function decodeOnnxModel(bytes: Uint8Array): {
  graph: { node: { opType: string; name: string; input: string[]; output: string[] }[]; initializer: { name: string; dims: number[]; dataType: number }[]; input: { name: string }[]; output: { name: string }[] };
  opsetImport: { version: number }[];
} {
  const type = modelType();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: true, arrays: true }) as never;
}
