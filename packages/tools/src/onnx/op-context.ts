import type { OnnxGraphBuilder } from './graph-builder.js';
import { attrInts, attrString, type ConstValue, type TfNode } from './tfjs-graph.js';

/** Thrown for a graph the converter cannot translate exactly; names the op and the node. */
export class OnnxConversionError extends Error {
  constructor(
    readonly op: string,
    readonly nodeName: string,
    why: string,
  ) {
    super(`tfjs -> ONNX: op ${op} at node "${nodeName}": ${why}`);
    this.name = 'OnnxConversionError';
  }
}

/** What an op converter sees of one TF node. */
export interface OpContext {
  readonly node: TfNode;
  readonly b: OnnxGraphBuilder;
  /** The ONNX tensor name the converted op's result must carry (the TF node's name). */
  readonly output: string;
  /** Data inputs (control inputs excluded). */
  readonly inputCount: number;
  /** ONNX tensor for data input `i`; a Const input becomes an initializer on first use. */
  input(i: number): string;
  /** The value of data input `i` when it is a Const node. */
  constant(i: number): ConstValue | undefined;
  fail(why: string): OnnxConversionError;
}

export type OpConverter = (ctx: OpContext) => void;

export function requireConst(ctx: OpContext, i: number, what: string): ConstValue {
  const c = ctx.constant(i);
  if (!c) throw ctx.fail(`its ${what} (input ${i}) must be a constant; dynamic ${what} is not supported.`);
  return c;
}

export function str(ctx: OpContext, name: string): string | undefined {
  return attrString(ctx.node.attr?.[name]);
}

export function ints(ctx: OpContext, name: string): number[] | undefined {
  return attrInts(ctx.node.attr?.[name]);
}

export function int(ctx: OpContext, name: string, fallback: number): number {
  const v = ctx.node.attr?.[name]?.i;
  return v === undefined ? fallback : Number(v);
}

export function float(ctx: OpContext, name: string, fallback: number): number {
  const v = ctx.node.attr?.[name]?.f;
  return v === undefined ? fallback : Number(v);
}

export function bool(ctx: OpContext, name: string): boolean {
  return ctx.node.attr?.[name]?.b === true;
}

/** tfjs graphs are NHWC; an NCHW node would need a different lowering, so refuse it. */
export function requireNhwc(ctx: OpContext): void {
  const f = str(ctx, 'data_format');
  if (f !== undefined && f !== 'NHWC') throw ctx.fail(`data_format ${f} is not supported (only NHWC).`);
}

/** Integer values of a constant, e.g. a shape, axes or paddings. */
export function constInts(c: ConstValue): number[] {
  return Array.from(c.data, (v) => Math.trunc(v));
}
