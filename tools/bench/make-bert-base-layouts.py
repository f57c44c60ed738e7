#!/usr/bin/python3
"""BERT-base-shaped replicas of the two Hub layouts senti converts itself, with random weights, for speed benchmarks.

Writes, under OUT_DIR (default /tmp/bert-base-layouts, beside the bench's /tmp/bert-base-random; ~440 MB each,
never into git):
  fill-mask/    like Xenova/bert-base-uncased: config BertForMaskedLM, onnx/model.onnx with one output `logits`
                [batch, sequence, 30522] (MLM head dense + GELU + LayerNorm + decoder tied to the word embeddings),
                exported by torch the way optimum does (opset 14, dynamic axes, constant folding, tied-weight
                de-duplication), and onnx/model_quantized.onnx (ONNX Runtime-style dynamic int8, as transformers.js
                publishes it) unless --no-q8
  safetensors/  like google-bert/bert-base-uncased: model.safetensors only (`bert.` prefix, legacy LayerNorm
                gamma/beta, pooler, cls.predictions.* and cls.seq_relationship.*), config BertForMaskedLM
Both carry the real bert-base-uncased tokenizer (fixtures/tiny-bert's) and share one set of encoder weights: N(0, 0.02)
for Linear and Embedding weights as Hugging Face's init (padding row zero), zero biases, LayerNorm 1 / 0. Speed does
not depend on the values.

The modules and the export / quantization code are tools/reference/make-hub-replicas.py's (Hugging Face's module
names, transformers 4.x eager code), at BERT-base size instead of tiny-bert's.

Usage: /usr/bin/python3 tools/bench/make-bert-base-layouts.py [OUT_DIR] [--only fill-mask|safetensors] [--no-q8]
Needs Debian's python3-torch python3-onnx python3-numpy. Deterministic (seeded); a few minutes on 2 cores.
"""
import argparse
import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("hub_replicas", ROOT / "tools" / "reference" / "make-hub-replicas.py")
hub = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hub)

SEED = 2727
BASE = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072}


def hf_init(module: torch.nn.Module, seed: int) -> None:
    """Hugging Face's BertPreTrainedModel._init_weights: N(0, initializer_range) weights, zero biases, LayerNorm 1/0,
    the embedding's padding row zero (seeded)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for sub in module.modules():
            if isinstance(sub, torch.nn.Linear):
                sub.weight.copy_(torch.randn(sub.weight.shape, generator=generator) * 0.02)
                if sub.bias is not None:
                    sub.bias.zero_()
            elif isinstance(sub, torch.nn.Embedding):
                sub.weight.copy_(torch.randn(sub.weight.shape, generator=generator) * 0.02)
                if sub.padding_idx is not None:
                    sub.weight[sub.padding_idx].zero_()
            elif isinstance(sub, torch.nn.LayerNorm):
                sub.weight.fill_(1.0)
                sub.bias.zero_()


def step(message: str, started: float) -> None:
    print(f"  {message} ({time.time() - started:.1f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="/tmp/bert-base-layouts")
    parser.add_argument("--only", choices=["fill-mask", "safetensors"])
    parser.add_argument("--no-q8", action="store_true", help="skip onnx/model_quantized.onnx of the fill-mask export")
    args = parser.parse_args()
    out = Path(args.out)
    torch.manual_seed(SEED)
    started = time.time()
    tiny_config = json.loads((hub.TINY / "config.json").read_text())
    config = {**tiny_config, **BASE, "architectures": ["BertForMaskedLM"], "position_embedding_type": "absolute"}

    # One BertForMaskedLM (encoder without pooler + MLM head tied to the word embeddings) and a pooler beside it.
    mlm = hub.BertForMaskedLM(config).eval()
    hf_init(mlm, SEED)
    mlm.cls.predictions.decoder.weight = mlm.bert.embeddings.word_embeddings.weight  # re-tie after init
    pooler = hub.BertPooler(config)
    hf_init(pooler, SEED + 1)
    step("BERT-base BertForMaskedLM initialised", started)

    if args.only in (None, "fill-mask"):
        directory = out / "fill-mask"
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        hub.write_json(directory / "config.json", config)
        hub.copy_tokenizer(directory)
        exported = hub.export_onnx(mlm, ["input_ids", "attention_mask", "token_type_ids"], ["logits"], config)
        exported = hub.deduplicate_tied_weights(exported, "bert.embeddings.word_embeddings.weight")
        hub.save_onnx(exported, directory / "onnx" / "model.onnx")
        step(f"wrote {directory}/onnx/model.onnx: {hub.graph_io(exported)}", started)
        if not args.no_q8:
            hub.save_onnx(hub.quantize_dynamic(exported), directory / "onnx" / "model_quantized.onnx")
            hub.write_json(directory / "quantize_config.json", {
                "modes": ["q8"], "per_channel": True, "reduce_range": True, "block_size": None, "is_symmetric": True,
                "accuracy_level": None, "quant_type": 1, "op_block_list": None})
            step(f"wrote {directory}/onnx/model_quantized.onnx", started)
        del exported

    if args.only in (None, "safetensors"):
        directory = out / "safetensors"
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        keys = ("attention_probs_dropout_prob", "hidden_act", "hidden_dropout_prob", "hidden_size", "initializer_range",
                "intermediate_size", "layer_norm_eps", "max_position_embeddings", "model_type", "num_attention_heads",
                "num_hidden_layers", "pad_token_id", "type_vocab_size", "vocab_size")
        st_config = {"architectures": ["BertForMaskedLM"], "gradient_checkpointing": False,
                     **{key: config[key] for key in keys}, "position_embedding_type": "absolute",
                     "transformers_version": "4.6.0.dev0", "use_cache": True}
        hub.write_json(directory / "config.json", dict(sorted(st_config.items())))
        hub.copy_tokenizer(directory, {"do_lower_case": True, "model_max_length": 512})
        tensors = {f"bert.{name}": tensor for name, tensor in mlm.bert.state_dict().items()}
        tensors.update({f"bert.pooler.{name}": tensor for name, tensor in pooler.state_dict().items()})
        for name, parameter in mlm.cls.predictions.named_parameters():
            if name != "decoder.weight":  # tied to the word embeddings: the Hub's file does not store it twice
                tensors[f"cls.predictions.{name}"] = parameter.detach()
        generator = torch.Generator().manual_seed(SEED + 2)
        tensors["cls.seq_relationship.weight"] = torch.randn(2, config["hidden_size"], generator=generator) * 0.02
        tensors["cls.seq_relationship.bias"] = torch.zeros(2)
        legacy = {}
        for name, tensor in tensors.items():
            if ".LayerNorm." in name:
                name = name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
            legacy[name] = tensor
        hub.write_safetensors(directory / "model.safetensors", legacy)
        step(f"wrote {directory}/model.safetensors ({len(legacy)} tensors)", started)
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
