/** ONNX element types (`TensorProto.DataType`) this package reads or writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;

/** `AttributeProto.AttributeType` values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** A tensor (initializer or attribute value); int64 fields read as JS numbers. */
export interface OnnxTensor {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
  doc_string?: string;
}

/** A node attribute. */
export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  [field: string]: unknown;
}

/** A graph node. */
export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
  doc_string?: string;
}

/** One dimension of a tensor shape: a number or a symbolic name. */
export interface OnnxDimension {
  dim_value?: number;
  dim_param?: string;
}

/** A graph input, output or value description. */
export interface OnnxValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: OnnxDimension[] } }; [kind: string]: unknown };
  doc_string?: string;
}

/** A computation graph. */
export interface OnnxGraph {
  node?: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  value_info?: OnnxValueInfo[];
  doc_string?: string;
  [field: string]: unknown;
}

/** An opset the model imports (`domain` "" is the default ONNX domain). */
export interface OnnxOpset {
  domain?: string;
  version?: number;
}

/** A whole ONNX model (`ModelProto`), as plain objects with snake_case field names. */
export interface OnnxModel {
  ir_version?: number;
  opset_import?: OnnxOpset[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph: OnnxGraph;
  metadata_props?: { key?: string; value?: string }[];
  [field: string]: unknown;
}
