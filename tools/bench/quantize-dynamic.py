#!/usr/bin/python3
"""Dynamic int8 quantization of an fp32 BERT ONNX model, the way onnxruntime's quantize_dynamic does it by default
(MatMul weights int8 per-tensor symmetric; activations quantized at run time with DynamicQuantizeLinear, then
MatMulInteger). Needs only Debian's python3-onnx + numpy (onnxruntime's Python package is not installable here).

Why: ../shared/tools/make-bert-base-random fills its fp32 and int8 graphs with independent random weights, so their
outputs cannot be compared; this makes an int8 model that IS the quantization of the fp32 one.
Usage: quantize-dynamic.py MODEL_DIR OUT_DIR   (writes OUT_DIR with the fp32 model linked and onnx/model_quantized.onnx)"""
import os, shutil, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

src_dir, out_dir = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
    shutil.copy(os.path.join(src_dir, name), out_dir)
fp32_path = os.path.join(src_dir, "onnx", "model.onnx")
link = os.path.join(out_dir, "onnx", "model.onnx")
if not os.path.exists(link):
    os.symlink(os.path.abspath(fp32_path), link)

model = onnx.load(fp32_path)
initializers = {t.name: t for t in model.graph.initializer}
uses = {}
for node in model.graph.node:
    for name in node.input:
        uses[name] = uses.get(name, 0) + 1

nodes, new_initializers, replaced = [], [], set()
for node in model.graph.node:
    weight = initializers.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
    if weight is None or len(weight.dims) != 2:
        nodes.append(node)
        continue
    w = numpy_helper.to_array(weight).astype(np.float32)
    scale = np.float32(max(np.abs(w).max(), 1e-12) / 127.0)
    base = (node.name or node.output[0]).replace("/", "_")
    new_initializers += [
        numpy_helper.from_array(np.clip(np.round(w / scale), -127, 127).astype(np.int8), f"{base}_w_q"),
        numpy_helper.from_array(np.array(scale, np.float32), f"{base}_w_scale"),
        numpy_helper.from_array(np.array(0, np.int8), f"{base}_w_zero"),
    ]
    if uses.get(weight.name, 0) == 1:
        replaced.add(weight.name)
    nodes += [
        helper.make_node("DynamicQuantizeLinear", [node.input[0]], [f"{base}_a_q", f"{base}_a_scale", f"{base}_a_zero"]),
        helper.make_node("MatMulInteger", [f"{base}_a_q", f"{base}_w_q", f"{base}_a_zero", f"{base}_w_zero"], [f"{base}_int"]),
        helper.make_node("Cast", [f"{base}_int"], [f"{base}_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", [f"{base}_a_scale", f"{base}_w_scale"], [f"{base}_scale"]),
        helper.make_node("Mul", [f"{base}_float", f"{base}_scale"], [node.output[0]]),
    ]

kept = [t for t in model.graph.initializer if t.name not in replaced]
del model.graph.node[:]
model.graph.node.extend(nodes)
del model.graph.initializer[:]
model.graph.initializer.extend(kept + new_initializers)
out = os.path.join(out_dir, "onnx", "model_quantized.onnx")
onnx.save(model, out)
print(f"quantized {len(replaced)} MatMul weights; wrote {out} ({os.path.getsize(out) / 1e6:.0f} MB)")
