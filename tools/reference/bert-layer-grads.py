#!/usr/bin/python3
"""PyTorch reference for senti's unfrozen BERT layers (issue #14).

Reads a BERT checkpoint's model.safetensors by hand (header JSON + raw little-endian data; Debian has torch but no
transformers or safetensors), writes the embeddings, the BERT layer (self-attention with the attention mask, exact GELU,
LayerNorm with config.json's eps, residuals) and the pooler (dense + tanh) by hand, runs a fixed batch with dropout off
in float64, puts senti's head on the pooled vector (fc1 -> ReLU -> fc2 -> log-softmax, class-weighted NLL with fixed
initial head weights) and writes a JSON fixture: every hidden state (embedding output = layer-0 input, then each
layer's output), the pooled vector, the loss, and the gradient of every trainable tensor (all layers, pooler, head).

The token ids come from fixtures/tiny-bert-reference.json (Hugging Face's tokenizer; senti's tokenizer is tested to
produce the same ids, and the TS test checks them again). The TS tests compare this script's last hidden state with
ONNX Runtime's `last_hidden_state`, so a bug shared by this script and the TS layer would show there.

Usage: python3 tools/reference/bert-layer-grads.py [MODEL_DIR] [OUT_JSON]
  defaults: fixtures/tiny-bert fixtures/tiny-bert-layer-grads.json
Needs Debian's python3-torch python3-numpy (libopenblas0-pthread for speed).
"""
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
SENTENCE_ROWS = [0, 7, 8]  # "I loved this movie!", "don't won't can't", the 17-token URL sentence
LABELS = [1, 0, 1]
CLASS_WEIGHTS = [1.5, 0.75]
HEAD_HIDDEN = 16
NUM_CLASSES = 2
HEAD_SEED = 14

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path: Path) -> dict:
    """Every tensor of a safetensors file as a float64 torch tensor."""
    data = path.read_bytes()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    base = 8 + header_size
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in DTYPES:
            raise SystemExit(f"{path}: tensor {name} has dtype {entry['dtype']}; this script reads {', '.join(DTYPES)}")
        start, end = entry["data_offsets"]
        array = np.frombuffer(data[base + start : base + end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.astype(np.float64).reshape(entry["shape"]))
    return tensors


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdim=True)
    variance = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(variance + eps) * weight + bias


def linear(x, weight, bias):
    return x @ weight.T + bias


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def bert_layer(x, mask, p, prefix, heads, eps):
    batch, length, hidden = x.shape
    size = hidden // heads

    def split(t):
        return t.reshape(batch, length, heads, size).permute(0, 2, 1, 3)

    q = split(linear(x, p[prefix + "attention.self.query.weight"], p[prefix + "attention.self.query.bias"]))
    k = split(linear(x, p[prefix + "attention.self.key.weight"], p[prefix + "attention.self.key.bias"]))
    v = split(linear(x, p[prefix + "attention.self.value.weight"], p[prefix + "attention.self.value.bias"]))
    scores = q @ k.transpose(-1, -2) / math.sqrt(size)
    scores = scores + (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
    context = (torch.softmax(scores, dim=-1) @ v).permute(0, 2, 1, 3).reshape(batch, length, hidden)
    attention = layer_norm(
        linear(context, p[prefix + "attention.output.dense.weight"], p[prefix + "attention.output.dense.bias"]) + x,
        p[prefix + "attention.output.LayerNorm.weight"], p[prefix + "attention.output.LayerNorm.bias"], eps)
    intermediate = gelu(linear(attention, p[prefix + "intermediate.dense.weight"], p[prefix + "intermediate.dense.bias"]))
    return layer_norm(
        linear(intermediate, p[prefix + "output.dense.weight"], p[prefix + "output.dense.bias"]) + attention,
        p[prefix + "output.LayerNorm.weight"], p[prefix + "output.LayerNorm.bias"], eps)


def flat(t):
    return [float(f"{value:.10g}") for value in t.detach().reshape(-1).tolist()]


def main() -> None:
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures/tiny-bert"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "fixtures/tiny-bert-layer-grads.json"
    config = json.loads((model_dir / "config.json").read_text())
    if config.get("hidden_act") != "gelu":
        raise SystemExit(f"hidden_act {config.get('hidden_act')!r}: this reference writes exact GELU only")
    eps = config["layer_norm_eps"]
    heads = config["num_attention_heads"]
    layers = config["num_hidden_layers"]
    params = read_safetensors(model_dir / "model.safetensors")
    params = {name.removeprefix("bert."): value for name, value in params.items()}

    reference = json.loads((ROOT / "fixtures/tiny-bert-reference.json").read_text())["tokenization"]
    ids = torch.tensor([reference["input_ids"][row] for row in SENTENCE_ROWS])
    mask = torch.tensor([reference["attention_mask"][row] for row in SENTENCE_ROWS], dtype=torch.float64)
    types = torch.tensor([reference["token_type_ids"][row] for row in SENTENCE_ROWS])
    length = ids.shape[1]

    generator = torch.Generator().manual_seed(HEAD_SEED)
    hidden = config["hidden_size"]
    head = {
        "fc1.weight": torch.randn(HEAD_HIDDEN, hidden, generator=generator, dtype=torch.float64) * 0.3,
        "fc1.bias": torch.randn(HEAD_HIDDEN, generator=generator, dtype=torch.float64) * 0.1,
        "fc2.weight": torch.randn(NUM_CLASSES, HEAD_HIDDEN, generator=generator, dtype=torch.float64) * 0.3,
        "fc2.bias": torch.randn(NUM_CLASSES, generator=generator, dtype=torch.float64) * 0.1,
    }
    trained = {name: value for name, value in params.items() if name.startswith(("encoder.", "pooler."))}
    trained.update({"head." + name: value for name, value in head.items()})
    for value in trained.values():
        value.requires_grad_(True)

    with torch.no_grad():
        embeddings = params["embeddings.word_embeddings.weight"][ids] \
            + params["embeddings.position_embeddings.weight"][torch.arange(length)][None] \
            + params["embeddings.token_type_embeddings.weight"][types]
        states = [layer_norm(embeddings, params["embeddings.LayerNorm.weight"], params["embeddings.LayerNorm.bias"], eps)]
    x = states[0]
    for index in range(layers):
        x = bert_layer(x, mask, trained, f"encoder.layer.{index}.", heads, eps)
        states.append(x)
    pooled = torch.tanh(linear(x[:, 0], trained["pooler.dense.weight"], trained["pooler.dense.bias"]))
    hidden_units = torch.relu(linear(pooled, trained["head.fc1.weight"], trained["head.fc1.bias"]))
    log_probs = torch.log_softmax(linear(hidden_units, trained["head.fc2.weight"], trained["head.fc2.bias"]), dim=1)
    labels = torch.tensor(LABELS)
    weights = torch.tensor(CLASS_WEIGHTS, dtype=torch.float64)[labels]
    loss = -(weights * log_probs[torch.arange(len(LABELS)), labels]).sum() / weights.sum()
    loss.backward()

    fixture = {
        "about": "Made by tools/reference/bert-layer-grads.py (torch %s, float64, dropout off) from %s. Weights and "
                 "gradients in torch layout ([out, in] for dense weights), flattened row-major; states [batch, sequence, "
                 "hidden]. states[i] is the input of layer i (states[0] = embedding output, states[L] = last_hidden_state). "
                 "Head: fc1 -> ReLU -> fc2 -> log-softmax on the pooler output; loss = class-weighted NLL (weighted mean)."
                 % (torch.__version__, model_dir.name),
        "config": {"hidden_size": hidden, "num_attention_heads": heads, "num_hidden_layers": layers,
                   "intermediate_size": config["intermediate_size"], "layer_norm_eps": eps},
        "sentences": [reference["sentences"][row] for row in SENTENCE_ROWS],
        "max_length": length,
        "input_ids": ids.tolist(),
        "attention_mask": mask.long().tolist(),
        "token_type_ids": types.tolist(),
        "labels": LABELS,
        "class_weights": CLASS_WEIGHTS,
        "head_hidden_size": HEAD_HIDDEN,
        "head_weights": {name: {"shape": list(value.shape), "values": flat(value)} for name, value in head.items()},
        "states": [flat(state) for state in states],
        "pooled": flat(pooled),
        "log_probs": flat(log_probs),
        "loss": float(loss),
        "gradients": {name: {"shape": list(value.shape), "values": flat(value.grad)} for name, value in trained.items()},
    }
    out.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes); loss {float(loss):.8f}")


if __name__ == "__main__":
    main()
