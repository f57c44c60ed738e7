#!/usr/bin/python3
"""Tiny replicas of the model layouts users download from the Hugging Face Hub, with PyTorch reference outputs.

Writes fixtures/hub/ (issue #27):
  bert-fill-mask/              like Xenova/bert-base-uncased: BertForMaskedLM ONNX export, one output `logits`,
                               no pooler; onnx/model_quantized.onnx made the way transformers.js's scripts do
                               (ONNX Runtime dynamic quantization: DynamicQuantizeLinear + MatMulInteger)
  bert-safetensors/            like google-bert/bert-base-uncased: model.safetensors only, `bert.` prefix, legacy
                               LayerNorm `gamma`/`beta` names, pooler and pre-training heads (cls.*)
  sentence-transformers-mean/  like Xenova/all-MiniLM-L6-v2: BertModel export with one output `last_hidden_state`,
                               modules.json + 1_Pooling/config.json (mean pooling)
  sentence-transformers-cls/   the same with CLS pooling
  distilbert/                  like Xenova/distilbert-base-uncased (feature extraction): inputs input_ids and
                               attention_mask only, output `last_hidden_state`, config spelling dim/n_layers
  roberta/                     like Xenova/roberta-base (feature extraction): RobertaModel, inputs input_ids and
                               attention_mask only, output `last_hidden_state`; a hand-written byte-level BPE
                               tokenizer.json (GPT-2 byte alphabet + a few dozen merges, RobertaProcessing)
  reference.json               CLS row, masked mean and (where the architecture has one) pooler output for the 18
                               reference inputs of fixtures/tiny-bert-reference.json (roberta: its own sentences, with
                               the ids fed), plus a logits sample

Debian has torch and onnx but no transformers, safetensors or onnxruntime for Python, so the models are written here
by hand with Hugging Face's module and parameter names (transformers 4.x eager code paths), safetensors files are
read and written with numpy, and the ONNX files are exported with torch.onnx.export the way optimum does (opset 14,
dynamic axes batch_size/sequence_length, constant folding, optimum's tied-weight de-duplication). Before anything is
written, the hand-written BertModel is checked against tiny-bert-reference.json (made with Hugging Face transformers)
from fixtures/tiny-bert/model.safetensors.

Usage: /usr/bin/python3 tools/reference/make-hub-replicas.py [OUT_DIR]   (default fixtures/hub)
Needs Debian's python3-torch python3-onnx python3-numpy (libopenblas0-pthread for speed). Deterministic: seeded.
"""
import copy
import io
import json
import math
import re
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "fixtures" / "tiny-bert"
REFERENCE = ROOT / "fixtures" / "tiny-bert-reference.json"
OPSET = 14
DYNAMIC_AXES = {0: "batch_size", 1: "sequence_length"}
SEEDS = {"mlm_head": 271, "sentence_transformers_mean": 272, "sentence_transformers_cls": 273, "distilbert": 274,
         "pretraining_heads": 275, "roberta": 276}
TOLERANCE = 1e-5

# ---------------------------------------------------------------------------------------------------------------
# safetensors with numpy: 8-byte little-endian header length, JSON header, raw little-endian data
# ---------------------------------------------------------------------------------------------------------------
DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def read_safetensors(path: Path) -> dict:
    """Every tensor of a safetensors file as a float32 torch tensor."""
    data = path.read_bytes()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    base = 8 + header_size
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        array = np.frombuffer(data[base + start : base + end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.astype(np.float32).reshape(entry["shape"]))
    return tensors


def write_safetensors(path: Path, tensors: dict) -> None:
    """Write float32 tensors the way the safetensors library does (sorted names, header padded to 8 bytes)."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name].detach().cpu().numpy().astype("<f4"))
        raw = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# ---------------------------------------------------------------------------------------------------------------
# BERT, as transformers 4.x writes it (eager attention), with its module names
# ---------------------------------------------------------------------------------------------------------------
class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])
        self.register_buffer("position_ids", torch.arange(c["max_position_embeddings"]).expand((1, -1)), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.size()[1]
        position_ids = self.position_ids[:, 0:seq_length]
        inputs_embeds = self.word_embeddings(input_ids)
        token_type_embeddings = self.token_type_embeddings(token_type_ids)
        embeddings = inputs_embeds + token_type_embeddings
        embeddings += self.position_embeddings(position_ids)
        embeddings = self.LayerNorm(embeddings)
        return self.dropout(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.num_attention_heads = c["num_attention_heads"]
        self.attention_head_size = c["hidden_size"] // c["num_attention_heads"]
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(c["hidden_size"], self.all_head_size)
        self.key = nn.Linear(c["hidden_size"], self.all_head_size)
        self.value = nn.Linear(c["hidden_size"], self.all_head_size)
        self.dropout = nn.Dropout(c["attention_probs_dropout_prob"])

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_context_layer_shape)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dropout(self.dense(hidden_states))
        return self.LayerNorm(hidden_states + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden_states, attention_mask):
        return self.output(self.self(hidden_states, attention_mask), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])
        self.intermediate_act_fn = nn.GELU()

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["intermediate_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dropout(self.dense(hidden_states))
        return self.LayerNorm(hidden_states + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, hidden_states, attention_mask):
        for layer_module in self.layer:
            hidden_states = layer_module(hidden_states, attention_mask)
        return hidden_states


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    """transformers' BertModel; `outputs` picks what forward returns (optimum's patcher does the same)."""

    def __init__(self, c, add_pooling_layer=True, outputs=("last_hidden_state", "pooler_output")):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c) if add_pooling_layer else None
        self.outputs = outputs

    def run(self, input_ids, attention_mask, token_type_ids):
        extended_attention_mask = attention_mask[:, None, None, :]
        extended_attention_mask = extended_attention_mask.to(dtype=torch.float32)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(torch.float32).min
        embedding_output = self.embeddings(input_ids, token_type_ids)
        sequence_output = self.encoder(embedding_output, extended_attention_mask)
        pooled_output = self.pooler(sequence_output) if self.pooler is not None else None
        return {"last_hidden_state": sequence_output, "pooler_output": pooled_output}

    def forward(self, input_ids, attention_mask, token_type_ids):
        result = self.run(input_ids, attention_mask, token_type_ids)
        return tuple(result[name] for name in self.outputs)


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.transform_act_fn = nn.GELU()
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, hidden_states):
        return self.LayerNorm(self.transform_act_fn(self.dense(hidden_states)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        self.decoder.bias = self.bias

    def forward(self, hidden_states):
        return self.decoder(self.transform(hidden_states))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = BertLMPredictionHead(c)

    def forward(self, sequence_output):
        return self.predictions(sequence_output)


class BertForMaskedLM(nn.Module):
    """transformers' BertForMaskedLM: BertModel without pooler, MLM head tied to the word embeddings."""

    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c, add_pooling_layer=False, outputs=("last_hidden_state",))
        self.cls = BertOnlyMLMHead(c)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask, token_type_ids):
        (sequence_output,) = self.bert(input_ids, attention_mask, token_type_ids)
        return self.cls(sequence_output)


# ---------------------------------------------------------------------------------------------------------------
# DistilBERT, as transformers 4.x writes it, with its module names
# ---------------------------------------------------------------------------------------------------------------
class DistilEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["dim"], padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["dim"])
        self.LayerNorm = nn.LayerNorm(c["dim"], eps=1e-12)
        self.dropout = nn.Dropout(c["dropout"])
        self.register_buffer("position_ids", torch.arange(c["max_position_embeddings"]).expand((1, -1)), persistent=False)

    def forward(self, input_ids):
        input_embeds = self.word_embeddings(input_ids)
        seq_length = input_embeds.size(1)
        position_ids = self.position_ids[:, :seq_length]
        embeddings = input_embeds + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads = c["n_heads"]
        self.dim = c["dim"]
        self.dropout = nn.Dropout(p=c["attention_dropout"])
        self.q_lin = nn.Linear(c["dim"], c["dim"])
        self.k_lin = nn.Linear(c["dim"], c["dim"])
        self.v_lin = nn.Linear(c["dim"], c["dim"])
        self.out_lin = nn.Linear(c["dim"], c["dim"])

    def forward(self, query, key, value, mask):
        bs, q_length, dim = query.size()
        k_length = key.size(1)
        dim_per_head = self.dim // self.n_heads
        mask_reshp = (bs, 1, 1, k_length)

        def shape(x):
            return x.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)

        def unshape(x):
            return x.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)

        q = shape(self.q_lin(query))
        k = shape(self.k_lin(key))
        v = shape(self.v_lin(value))
        q = q / math.sqrt(dim_per_head)
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(mask_reshp).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = nn.functional.softmax(scores, dim=-1)
        weights = self.dropout(weights)
        context = unshape(torch.matmul(weights, v))
        return self.out_lin(context)


class FFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dropout = nn.Dropout(p=c["dropout"])
        self.lin1 = nn.Linear(c["dim"], c["hidden_dim"])
        self.lin2 = nn.Linear(c["hidden_dim"], c["dim"])
        self.activation = nn.GELU()

    def forward(self, x):
        return self.dropout(self.lin2(self.activation(self.lin1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = MultiHeadSelfAttention(c)
        self.sa_layer_norm = nn.LayerNorm(c["dim"], eps=1e-12)
        self.ffn = FFN(c)
        self.output_layer_norm = nn.LayerNorm(c["dim"], eps=1e-12)

    def forward(self, x, attn_mask):
        sa_output = self.attention(x, x, x, attn_mask)
        sa_output = self.sa_layer_norm(sa_output + x)
        ffn_output = self.ffn(sa_output)
        return self.output_layer_norm(ffn_output + sa_output)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(c) for _ in range(c["n_layers"])])

    def forward(self, x, attn_mask):
        for layer_module in self.layer:
            x = layer_module(x, attn_mask)
        return x


class DistilBertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = DistilEmbeddings(c)
        self.transformer = Transformer(c)

    def forward(self, input_ids, attention_mask):
        return self.transformer(self.embeddings(input_ids), attention_mask)


# ---------------------------------------------------------------------------------------------------------------
# RoBERTa, as transformers 4.x writes it (RobertaModel: BERT's layers and pooler, its own embeddings)
# ---------------------------------------------------------------------------------------------------------------
def create_position_ids_from_input_ids(input_ids, padding_idx):
    """transformers' RoBERTa position ids: count the non-padding tokens, so the first is padding_idx + 1 (2)."""
    mask = input_ids.ne(padding_idx).int()
    incremental_indices = torch.cumsum(mask, dim=1).type_as(mask) * mask
    return incremental_indices.long() + padding_idx


class RobertaEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"], padding_idx=c["pad_token_id"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])
        self.padding_idx = c["pad_token_id"]
        self.register_buffer("token_type_ids", torch.zeros((1, c["max_position_embeddings"]), dtype=torch.long), persistent=False)

    def forward(self, input_ids):
        position_ids = create_position_ids_from_input_ids(input_ids, self.padding_idx)
        seq_length = input_ids.size()[1]
        # no token_type_ids given (the export has no such input): the registered zeros buffer, as transformers does
        token_type_ids = self.token_type_ids[:, :seq_length].expand(input_ids.size()[0], seq_length)
        inputs_embeds = self.word_embeddings(input_ids)
        embeddings = inputs_embeds + self.token_type_embeddings(token_type_ids)
        embeddings += self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class RobertaModel(nn.Module):
    """transformers' RobertaModel (with its pooler); forward returns last_hidden_state only, as optimum's
    feature-extraction export of it does."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = RobertaEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def run(self, input_ids, attention_mask):
        extended_attention_mask = attention_mask[:, None, None, :].to(dtype=torch.float32)
        extended_attention_mask = (1.0 - extended_attention_mask) * torch.finfo(torch.float32).min
        sequence_output = self.encoder(self.embeddings(input_ids), extended_attention_mask)
        return {"last_hidden_state": sequence_output, "pooler_output": self.pooler(sequence_output)}

    def forward(self, input_ids, attention_mask):
        return self.run(input_ids, attention_mask)["last_hidden_state"]


# ---------------------------------------------------------------------------------------------------------------
# a byte-level BPE tokenizer (GPT-2 / RoBERTa style) written by hand in Hugging Face tokenizers' JSON format
# ---------------------------------------------------------------------------------------------------------------
def bytes_to_unicode():
    """GPT-2's map from bytes to printable unicode characters (the byte-level alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


# common English pieces, in rank order (GPT-2's first merges, then a few sentiment words); Ġ is the space byte
ROBERTA_MERGES = [
    "Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t", "Ġ w", "Ġ o", "e n", "Ġ c", "i t",
    "i s", "a n", "o r", "e s", "Ġ b", "e d", "Ġ f", "in g", "Ġ p", "o u", "Ġa n", "a l", "a r", "Ġt o", "Ġ m",
    "Ġo f", "Ġ in", "Ġ d", "Ġ h", "Ġan d", "i c", "a s", "l e", "Ġt h", "i on", "o m", "l l", "en t", "Ġ n",
    "Ġ l", "s t", "Ġ re", "v e", "Ġ e", "r o", "l y", "Ġb e", "Ġ g", "Ġ T", "c t", "Ġ S", "i d", "o t", "Ġ I",
    "u t", "Ġw as", "Ġ is", "o o", "oo d", "Ġg ood", "a d", "Ġb ad", "o v", "Ġl ov", "Ġlov e", "Ġm ov", "i e",
    "Ġmov ie", "i l", "Ġf il", "Ġfil m", "Ġg re", "Ġgre at", "Ġw or", "Ġwor st", "Ġn ot", "Ġ it",
]
ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
# GPT-2's pre-tokenizer pattern with Python's re (no \p{..}): letters [^\W\d_], numbers \d, other [^\s\w] or _
BYTE_LEVEL_SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def roberta_tokenizer_files():
    """(tokenizer.json, tokenizer_config.json, vocab) of the hand-written byte-level BPE tokenizer."""
    alphabet = bytes_to_unicode()
    vocab = {token: index for index, token in enumerate(ROBERTA_SPECIALS)}
    for byte in range(256):
        vocab[alphabet[byte]] = len(vocab)
    for merge in ROBERTA_MERGES:
        left, right = merge.split(" ")
        if left not in vocab or right not in vocab:
            raise SystemExit(f"merge {merge!r}: a part is not in the vocabulary yet")
        if left + right in vocab:
            raise SystemExit(f"merge {merge!r}: {left + right!r} is already in the vocabulary")
        vocab[left + right] = len(vocab)
    vocab["<mask>"] = len(vocab)

    def added(content, index, lstrip=False, normalized=True):
        return {"id": index, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": False,
                "normalized": normalized, "special": True}

    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [*(added(token, vocab[token]) for token in ROBERTA_SPECIALS),
                         added("<mask>", vocab["<mask>"], lstrip=True, normalized=False)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", vocab["</s>"]], "cls": ["<s>", vocab["<s>"]],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": ROBERTA_MERGES},
    }
    # FacebookAI/roberta-base's tokenizer_config.json keys (transformers 4.x save)
    tokenizer_config = {
        "add_prefix_space": False, "bos_token": "<s>", "clean_up_tokenization_spaces": True, "cls_token": "<s>",
        "eos_token": "</s>", "errors": "replace", "mask_token": "<mask>", "model_max_length": 512,
        "pad_token": "<pad>", "sep_token": "</s>", "tokenizer_class": "RobertaTokenizer", "trim_offsets": True,
        "unk_token": "<unk>",
    }
    return tokenizer, tokenizer_config, vocab


def byte_level_bpe(text, vocab, max_length):
    """The ids tokenizers' ByteLevel + BPE + RobertaProcessing give `text`, truncated to max_length."""
    alphabet = bytes_to_unicode()
    ranks = {tuple(merge.split(" ")): rank for rank, merge in enumerate(ROBERTA_MERGES)}
    ids = []
    for piece in BYTE_LEVEL_SPLIT.findall(text):
        word = [alphabet[byte] for byte in piece.encode("utf-8")]
        while len(word) > 1:
            pairs = [(ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
            rank, _ = min(pairs)
            if rank == math.inf:
                break
            best = next(pair for pair in zip(word, word[1:]) if ranks.get(pair) == rank)
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        ids.extend(vocab[token] for token in word)
    return [vocab["<s>"], *ids[: max_length - 2], vocab["</s>"]]


# sentences for the RoBERTa reference: common pieces, punctuation, digits, a contraction, non-ASCII (2-, 3- and
# 4-byte UTF-8), runs of spaces, and one longer than ROBERTA_MAX_LENGTH (truncation keeps </s> last)
ROBERTA_SENTENCES = [
    "the movie was good",
    "I did not love it, it's the worst film.",
    "A great story and great actors!",
    "Crème brûlée — 10/10 😊",
    "it is  bad   in the end",
    "The film was good, the story was great, the actors were bad and the ending of it was not good at all.",
]
ROBERTA_MAX_LENGTH = 24


# ---------------------------------------------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------------------------------------------
def randomize(module: nn.Module, seed: int, skip=()) -> None:
    """Seeded random values for every parameter (LayerNorm weights near 1, everything else N(0, 0.1)), so that a
    swapped, missing or transposed tensor changes the outputs."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            if any(name.startswith(prefix) for prefix in skip):
                continue
            noise = torch.randn(parameter.shape, generator=generator) * 0.1
            parameter.copy_(1.0 + noise if name.endswith("LayerNorm.weight") or name.endswith("layer_norm.weight") else noise)


def load_strict(module: nn.Module, tensors: dict) -> None:
    missing, unexpected = module.load_state_dict(tensors, strict=False)
    if missing or unexpected:
        raise SystemExit(f"weights do not fit: missing {missing}, unexpected {unexpected}")


# ---------------------------------------------------------------------------------------------------------------
# ONNX export the way optimum does it
# ---------------------------------------------------------------------------------------------------------------
def export_onnx(model: nn.Module, input_names, output_names, config) -> onnx.ModelProto:
    """torch.onnx.export with optimum's settings: opset 14, dynamic batch_size/sequence_length, constant folding,
    optimum's dummy shapes (batch 2, sequence 16)."""
    generator = torch.Generator().manual_seed(0)
    dummy = {
        "input_ids": torch.randint(0, config["vocab_size"], (2, 16), generator=generator, dtype=torch.int64),
        "attention_mask": torch.ones(2, 16, dtype=torch.int64),
        "token_type_ids": torch.zeros(2, 16, dtype=torch.int64),
    }
    buffer = io.BytesIO()
    model.eval()
    with torch.no_grad():
        torch.onnx.export(
            model,
            tuple(dummy[name] for name in input_names),
            buffer,
            input_names=list(input_names),
            output_names=list(output_names),
            dynamic_axes={name: DYNAMIC_AXES for name in [*input_names, *output_names]},
            do_constant_folding=True,
            opset_version=OPSET,
        )
    exported = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(exported)
    return exported


def deduplicate_tied_weights(model: onnx.ModelProto, gather_weight: str) -> onnx.ModelProto:
    """optimum's remove_duplicate_weights_from_tied_info: the MLM decoder's constant-folded transposed copy of the
    word embeddings is replaced by a Transpose of the Gather's initializer."""
    reference = next(t for t in model.graph.initializer if t.name == gather_weight)
    reference_data = numpy_helper.to_array(reference)
    for index, initializer in enumerate(list(model.graph.initializer)):
        if initializer.name == gather_weight or list(initializer.dims) != list(reference_data.T.shape):
            continue
        if not np.array_equal(numpy_helper.to_array(initializer), reference_data.T):
            continue
        transposed = f"{gather_weight}_transposed"
        first_user = next(i for i, node in enumerate(model.graph.node) if initializer.name in node.input)
        node = helper.make_node("Transpose", [gather_weight], [transposed], name=f"Transpose_{len(model.graph.node) + 1}")
        model.graph.node.insert(first_user, node)
        for other in model.graph.node:
            for slot, name in enumerate(other.input):
                if name == initializer.name:
                    other.input[slot] = transposed
        model.graph.initializer.pop(index)
        return model
    raise SystemExit("no transposed copy of the word embeddings found in the MLM export")


# ---------------------------------------------------------------------------------------------------------------
# dynamic int8 quantization the way transformers.js's scripts/quantize.py drives ONNX Runtime's quantizer
# (ONNXQuantizer, IntegerOps, activations uint8, MatMulConstBOnly, for BERT: int8 weights, per_channel=True,
# reduce_range=True); written here with onnx's helpers because Debian has no onnxruntime for Python
# ---------------------------------------------------------------------------------------------------------------
def qrange(data_type, reduce_range, symmetric):
    if data_type == TensorProto.UINT8:
        return (0, 127) if reduce_range else (0, 255)
    if symmetric:
        return (-64, 64) if reduce_range else (-127, 127)
    return (-64, 64) if reduce_range else (-128, 127)


def quantize_values(data: np.ndarray, data_type, reduce_range, symmetric):
    """ONNX Runtime's quant_utils.quantize_data: (zero point, scale, quantized values)."""
    qmin, qmax = qrange(data_type, reduce_range, symmetric)
    rmin = min(np.float32(data.min()), np.float32(0))
    rmax = max(np.float32(data.max()), np.float32(0))
    if symmetric:
        absmax = max(abs(rmin), abs(rmax))
        rmin, rmax = -absmax, absmax
    scale = np.float64(rmax - rmin) / np.float64(qmax - qmin)
    if scale < np.finfo(np.float32).tiny:
        scale, zero_point = np.float32(1.0), 0
    else:
        zero_point = int(np.round((qmin + qmax) / 2.0)) if symmetric else int(np.round(qmin - rmin / scale))
        scale = np.float32(scale)
    dtype = np.uint8 if data_type == TensorProto.UINT8 else np.int8
    quantized = np.clip((data.astype(np.float32) / scale).round() + zero_point, qmin, qmax).astype(dtype)
    return zero_point, scale, quantized


def quantize_dynamic(model: onnx.ModelProto, per_channel=True, reduce_range=True, weight_type=TensorProto.INT8,
                     symmetric_weights=None):
    """symmetric_weights: ONNX Runtime >= 1.17 makes int8 weights symmetric by default (None = that default)."""
    if symmetric_weights is None:
        symmetric_weights = weight_type == TensorProto.INT8
    model = copy.deepcopy(model)
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    quantized = {}  # float tensor name -> (quantized name, scale name, zero point name)
    new_initializers = []
    new_nodes = []
    generated = set()

    def quantize_initializer(name, data_type, channel_axis=None, reduce=False, symmetric=False):
        if name in quantized:
            return quantized[name]
        data = numpy_helper.to_array(initializers[name])
        if channel_axis is None:
            zero_point, scale, values = quantize_values(data, data_type, reduce, symmetric)
            scales, zero_points, shape = [scale], [zero_point], []
        else:
            scales, zero_points, parts = [], [], []
            for channel in range(data.shape[channel_axis]):
                zero_point, scale, values = quantize_values(data.take(channel, channel_axis), data_type, reduce, symmetric)
                scales.append(scale)
                zero_points.append(zero_point)
                parts.append(np.expand_dims(values, channel_axis))
            values = np.concatenate(parts, channel_axis)
            shape = [data.shape[channel_axis]]
        names = (f"{name}_quantized", f"{name}_scale", f"{name}_zero_point")
        new_initializers.append(numpy_helper.from_array(values, names[0]))
        new_initializers.append(helper.make_tensor(names[1], TensorProto.FLOAT, shape, [float(s) for s in scales]))
        new_initializers.append(helper.make_tensor(names[2], data_type, shape, zero_points))
        quantized[name] = names
        return names

    def quantize_activation(name):
        if name not in quantized:
            names = (f"{name}_quantized", f"{name}_scale", f"{name}_zero_point")
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [name], list(names), name=f"{name}_QuantizeLinear"))
            quantized[name] = names
        return quantized[name]

    def dequantize_inputs(node):
        for name in node.input:
            if name in quantized and name not in generated and name not in initializers:
                q_name, scale, zero_point = quantized[name]
                new_nodes.append(helper.make_node("DequantizeLinear", [q_name, scale, zero_point], [name],
                                                  name=f"{name}_DequantizeLinear"))
                generated.add(name)

    def is_float_initializer(name):
        return name in initializers and initializers[name].data_type == TensorProto.FLOAT

    for node in list(graph.node):
        if node.op_type == "Gather" and is_float_initializer(node.input[0]):
            q_name, scale, zero_point = quantize_initializer(node.input[0], TensorProto.UINT8)
            output = node.output[0]
            node.input[0] = q_name
            node.output[0] = f"{output}_quantized"
            quantized[output] = (node.output[0], scale, zero_point)
            new_nodes.append(node)
        elif node.op_type == "Transpose" and node.input[0] in quantized:
            q_name, scale, zero_point = quantized[node.input[0]]
            output = node.output[0]
            node.input[0] = q_name
            node.output[0] = f"{output}_quantized"
            quantized[output] = (node.output[0], scale, zero_point)
            new_nodes.append(node)
        elif node.op_type == "MatMul" and is_float_initializer(node.input[1]):
            a_names = quantize_activation(node.input[0])
            b_names = quantize_initializer(node.input[1], weight_type, channel_axis=1 if per_channel else None,
                                           reduce=reduce_range, symmetric=symmetric_weights)
            base = f"{node.name}_quant"
            integer_output = f"{node.output[0]}_output_quantized"
            new_nodes.append(helper.make_node("MatMulInteger", [a_names[0], b_names[0], a_names[2], b_names[2]],
                                              [integer_output], name=base))
            new_nodes.append(helper.make_node("Cast", [integer_output], [f"{integer_output}_cast_output"],
                                              name=f"{integer_output}_cast", to=TensorProto.FLOAT))
            new_nodes.append(helper.make_node("Mul", [a_names[1], b_names[1]], [f"{base}_scales_mul:0"],
                                              name=f"{base}_scales_mul"))
            new_nodes.append(helper.make_node("Mul", [f"{integer_output}_cast_output", f"{base}_scales_mul:0"],
                                              [node.output[0]], name=f"{base}_output_scale_mul"))
        else:
            dequantize_inputs(node)
            new_nodes.append(node)
        for added in new_nodes:
            generated.update(added.output)

    graph.ClearField("node")
    graph.node.extend(new_nodes)
    graph.initializer.extend(new_initializers)
    used = {name for node in graph.node for name in node.input}
    kept = [t for t in graph.initializer if t.name in used]
    graph.ClearField("initializer")
    graph.initializer.extend(kept)
    model.opset_import.extend([helper.make_opsetid("com.microsoft", 1)])
    model.producer_name = "onnx.quantize"
    model.producer_version = "0.1.0"
    onnx.checker.check_model(model)
    return model


# ---------------------------------------------------------------------------------------------------------------
# reference outputs
# ---------------------------------------------------------------------------------------------------------------
def round7(values):
    return [round7(v) for v in values] if isinstance(values, list) else float(f"{values:.7g}")


def cls_and_mean(hidden, mask):
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return hidden[:, 0].tolist(), mean.tolist()


def max_abs_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def copy_tokenizer(directory: Path, tokenizer_config=None) -> None:
    shutil.copyfile(TINY / "tokenizer.json", directory / "tokenizer.json")
    if tokenizer_config is None:
        shutil.copyfile(TINY / "tokenizer_config.json", directory / "tokenizer_config.json")
    else:
        write_json(directory / "tokenizer_config.json", tokenizer_config)


def save_onnx(model: onnx.ModelProto, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.SerializeToString())


def graph_io(model: onnx.ModelProto) -> dict:
    return {"inputs": [i.name for i in model.graph.input], "outputs": [o.name for o in model.graph.output]}


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "hub"
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    reference = json.loads(REFERENCE.read_text())
    tokenization = reference["tokenization"]
    input_ids = torch.tensor(tokenization["input_ids"], dtype=torch.int64)
    attention_mask = torch.tensor(tokenization["attention_mask"], dtype=torch.int64)
    token_type_ids = torch.zeros_like(input_ids)
    tiny_config = json.loads((TINY / "config.json").read_text())
    tiny_weights = read_safetensors(TINY / "model.safetensors")

    # 0. the hand-written BertModel reproduces Hugging Face's outputs from tiny-bert's weights
    tiny = BertModel(tiny_config).eval()
    load_strict(tiny, tiny_weights)
    with torch.no_grad():
        result = tiny.run(input_ids, attention_mask, token_type_ids)
    cls, mean = cls_and_mean(result["last_hidden_state"], attention_mask)
    check = {
        "pooler_output": max_abs_diff(result["pooler_output"].tolist(), reference["tiny_outputs"]["pooler_output"]),
        "cls": max_abs_diff(cls, reference["tiny_outputs"]["cls"]),
        "masked_mean": max_abs_diff(mean, reference["tiny_outputs"]["masked_mean"]),
    }
    print("hand-written BertModel vs tiny-bert-reference.json tiny_outputs, max abs diff:", check)
    if max(check.values()) > TOLERANCE:
        raise SystemExit(f"hand-written BertModel differs from Hugging Face's by more than {TOLERANCE}")

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    replicas = {}

    # 1. bert-fill-mask: Xenova/bert-base-uncased
    mlm_config = {**tiny_config, "architectures": ["BertForMaskedLM"], "position_embedding_type": "absolute"}
    mlm = BertForMaskedLM(mlm_config).eval()
    randomize(mlm, SEEDS["mlm_head"], skip=("bert.",))
    load_strict(mlm.bert, {k: v for k, v in tiny_weights.items() if not k.startswith("pooler.")})
    directory = out / "bert-fill-mask"
    directory.mkdir()
    write_json(directory / "config.json", mlm_config)
    copy_tokenizer(directory)
    exported = export_onnx(mlm, ["input_ids", "attention_mask", "token_type_ids"], ["logits"], mlm_config)
    exported = deduplicate_tied_weights(exported, "bert.embeddings.word_embeddings.weight")
    save_onnx(exported, directory / "onnx" / "model.onnx")
    save_onnx(quantize_dynamic(exported), directory / "onnx" / "model_quantized.onnx")
    # what transformers.js's scripts/convert.py writes (asdict(QuantizationArguments)) for a q8-only run on BERT
    write_json(directory / "quantize_config.json", {
        "modes": ["q8"], "per_channel": True, "reduce_range": True, "block_size": None, "is_symmetric": True,
        "accuracy_level": None, "quant_type": 1, "op_block_list": None})
    with torch.no_grad():
        hidden = mlm.bert.run(input_ids, attention_mask, token_type_ids)["last_hidden_state"]
        logits = mlm(input_ids, attention_mask, token_type_ids)
    cls, mean = cls_and_mean(hidden, attention_mask)
    replicas["bert-fill-mask"] = {
        "architecture": "BertForMaskedLM", "onnx": graph_io(exported), "pooler": False,
        "cls": cls, "masked_mean": mean,
        "logits_sample": logits[0, :3, :5].tolist(),
        "logits_argmax_first_sentence": logits[0].argmax(-1).tolist(),
        "encoder_output_tensor": next(node.input[0] for node in exported.graph.node if node.name.startswith("/cls/")),
        "head_first_node": next(node.name for node in exported.graph.node if node.name.startswith("/cls/")),
        "encoder_equals_tiny_bert": True,
    }

    # 2. bert-safetensors: google-bert/bert-base-uncased (safetensors only, bert. prefix, gamma/beta)
    directory = out / "bert-safetensors"
    directory.mkdir()
    safetensors_config = {key: tiny_config[key] for key in (
        "attention_probs_dropout_prob", "hidden_act", "hidden_dropout_prob", "hidden_size", "initializer_range",
        "intermediate_size", "layer_norm_eps", "max_position_embeddings", "model_type", "num_attention_heads",
        "num_hidden_layers", "pad_token_id", "type_vocab_size", "vocab_size")}
    safetensors_config = {"architectures": ["BertForMaskedLM"], "gradient_checkpointing": False,
                          **safetensors_config, "position_embedding_type": "absolute",
                          "transformers_version": "4.6.0.dev0", "use_cache": True}
    write_json(directory / "config.json", dict(sorted(safetensors_config.items())))
    copy_tokenizer(directory, {"do_lower_case": True, "model_max_length": 512})
    pretraining = {}
    heads_generator = torch.Generator().manual_seed(SEEDS["pretraining_heads"])
    for name, parameter in mlm.cls.predictions.named_parameters():
        if name != "decoder.weight":  # tied to the word embeddings: the Hub's file does not store it twice
            pretraining[f"cls.predictions.{name}"] = parameter.detach().clone()
    pretraining["cls.seq_relationship.weight"] = torch.randn(2, tiny_config["hidden_size"], generator=heads_generator) * 0.1
    pretraining["cls.seq_relationship.bias"] = torch.randn(2, generator=heads_generator) * 0.1
    legacy = {}
    for name, tensor in {**{f"bert.{k}": v for k, v in tiny_weights.items()}, **pretraining}.items():
        if ".LayerNorm." in name:
            name = name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        legacy[name] = tensor
    write_safetensors(directory / "model.safetensors", legacy)
    round_trip = read_safetensors(directory / "model.safetensors")
    assert all(torch.equal(round_trip[k], legacy[k].float()) for k in legacy)
    with torch.no_grad():
        logits = mlm.cls(tiny.run(input_ids, attention_mask, token_type_ids)["last_hidden_state"])
    cls, mean, pooled = reference_rows(tiny, input_ids, attention_mask, token_type_ids)
    replicas["bert-safetensors"] = {
        "architecture": "BertForMaskedLM (checkpoint with pooler and pre-training heads)", "onnx": None, "pooler": True,
        "cls": cls, "masked_mean": mean, "pooler_output": pooled,
        "logits_sample": logits[0, :3, :5].tolist(),
        "encoder_equals_tiny_bert": True,
    }

    # 3. sentence-transformers: Xenova/all-MiniLM-L6-v2 layout, mean and CLS pooling
    for pooling, seed_name in (("mean", "sentence_transformers_mean"), ("cls", "sentence_transformers_cls")):
        directory = out / f"sentence-transformers-{pooling}"
        (directory / "1_Pooling").mkdir(parents=True)
        st_config = {**tiny_config, "architectures": ["BertModel"], "position_embedding_type": "absolute"}
        model = BertModel(st_config, add_pooling_layer=True, outputs=("last_hidden_state",)).eval()
        randomize(model, SEEDS[seed_name])
        write_json(directory / "config.json", st_config)
        copy_tokenizer(directory)
        write_json(directory / "modules.json", [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        ])
        write_json(directory / "1_Pooling" / "config.json", {
            "word_embedding_dimension": tiny_config["hidden_size"],
            "pooling_mode_cls_token": pooling == "cls",
            "pooling_mode_mean_tokens": pooling == "mean",
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        })
        write_json(directory / "sentence_bert_config.json", {"max_seq_length": 256, "do_lower_case": False})
        write_json(directory / "config_sentence_transformers.json",
                   {"__version__": {"sentence_transformers": "2.0.0", "transformers": "4.6.1", "pytorch": "1.8.1"}})
        exported = export_onnx(model, ["input_ids", "attention_mask", "token_type_ids"], ["last_hidden_state"], st_config)
        save_onnx(exported, directory / "onnx" / "model.onnx")
        cls, mean, _ = reference_rows(model, input_ids, attention_mask, token_type_ids)
        replicas[f"sentence-transformers-{pooling}"] = {
            "architecture": "BertModel", "onnx": graph_io(exported), "pooler": False, "pooling": pooling,
            "cls": cls, "masked_mean": mean,
            "sentence_embedding": cls if pooling == "cls" else mean,
            "seed": SEEDS[seed_name],
        }

    # 4. distilbert: Xenova/distilbert-base-uncased, feature extraction
    directory = out / "distilbert"
    directory.mkdir()
    distil_config = {
        "activation": "gelu", "architectures": ["DistilBertModel"], "attention_dropout": 0.1, "dim": 32,
        "dropout": 0.1, "hidden_dim": 64, "initializer_range": 0.02, "max_position_embeddings": 512,
        "model_type": "distilbert", "n_heads": 2, "n_layers": 2, "pad_token_id": 0, "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2, "sinusoidal_pos_embds": False, "tie_weights_": True,
        "transformers_version": "4.29.2", "vocab_size": 30522,
    }
    distil = DistilBertModel(distil_config).eval()
    randomize(distil, SEEDS["distilbert"])
    write_json(directory / "config.json", distil_config)
    tokenizer_config = json.loads((TINY / "tokenizer_config.json").read_text())
    tokenizer_config["tokenizer_class"] = "DistilBertTokenizer"
    copy_tokenizer(directory, tokenizer_config)
    write_safetensors(directory / "model.safetensors", dict(distil.state_dict()))
    exported = export_onnx(distil, ["input_ids", "attention_mask"], ["last_hidden_state"], distil_config)
    save_onnx(exported, directory / "onnx" / "model.onnx")
    with torch.no_grad():
        hidden = distil(input_ids, attention_mask)
    cls, mean = cls_and_mean(hidden, attention_mask)
    replicas["distilbert"] = {
        "architecture": "DistilBertModel", "onnx": graph_io(exported), "pooler": False,
        "cls": cls, "masked_mean": mean, "seed": SEEDS["distilbert"],
    }

    # 5. roberta: Xenova/roberta-base / FacebookAI/roberta-base, feature extraction (optimum: input_ids and
    #    attention_mask only, last_hidden_state only), byte-level BPE tokenizer, position ids from padding_idx + 1
    directory = out / "roberta"
    directory.mkdir()
    tokenizer, tokenizer_config, vocab = roberta_tokenizer_files()
    roberta_config = {
        "architectures": ["RobertaModel"], "attention_probs_dropout_prob": 0.1, "bos_token_id": 0,
        "classifier_dropout": None, "eos_token_id": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-05,
        "max_position_embeddings": 514, "model_type": "roberta", "num_attention_heads": 2, "num_hidden_layers": 2,
        "pad_token_id": 1, "position_embedding_type": "absolute", "transformers_version": "4.36.2",
        "type_vocab_size": 1, "use_cache": True, "vocab_size": len(vocab),
    }
    roberta = RobertaModel(roberta_config).eval()
    randomize(roberta, SEEDS["roberta"])
    write_json(directory / "config.json", roberta_config)
    write_json(directory / "tokenizer.json", tokenizer)
    write_json(directory / "tokenizer_config.json", tokenizer_config)
    # the slow tokenizer's files, as the Hub repos ship them beside tokenizer.json
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")) + "\n")
    (directory / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{merge}\n" for merge in ROBERTA_MERGES))
    exported = export_onnx(roberta, ["input_ids", "attention_mask"], ["last_hidden_state"], roberta_config)
    save_onnx(exported, directory / "onnx" / "model.onnx")
    rows = [byte_level_bpe(text, vocab, ROBERTA_MAX_LENGTH) for text in ROBERTA_SENTENCES]
    width = max(len(row) for row in rows)
    roberta_ids = torch.tensor([row + [roberta_config["pad_token_id"]] * (width - len(row)) for row in rows])
    roberta_mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
    with torch.no_grad():
        result = roberta.run(roberta_ids, roberta_mask)
    cls, mean = cls_and_mean(result["last_hidden_state"], roberta_mask)
    replicas["roberta"] = {
        "architecture": "RobertaModel", "onnx": graph_io(exported), "pooler": False,
        "sentences": ROBERTA_SENTENCES, "max_length": ROBERTA_MAX_LENGTH,
        "input_ids": roberta_ids.tolist(), "attention_mask": roberta_mask.tolist(),
        "position_ids": create_position_ids_from_input_ids(roberta_ids, roberta_config["pad_token_id"]).tolist(),
        "cls": cls, "masked_mean": mean, "seed": SEEDS["roberta"],
    }

    for entry in replicas.values():
        for key in ("cls", "masked_mean", "pooler_output", "sentence_embedding", "logits_sample"):
            if key in entry:
                entry[key] = round7(entry[key])
    write_json(out / "reference.json", {
        "about": (
            f"Made by tools/reference/make-hub-replicas.py with torch {torch.__version__} and onnx {onnx.__version__} "
            f"(float32, eval mode, one thread). Hand-written Hugging Face module layouts (transformers 4.x eager "
            f"code); the hand-written BertModel reproduces tiny-bert-reference.json's tiny_outputs (Hugging Face "
            f"transformers) from fixtures/tiny-bert/model.safetensors within {check_max(check):.1e}. Inputs: "
            f"tokenization.input_ids / attention_mask of fixtures/tiny-bert-reference.json (18 sentences, max_length "
            f"17), token_type_ids zeros. cls = last hidden state row 0; masked_mean = sum(h * mask) / sum(mask); "
            f"pooler_output only where the architecture has a pooler. bert-fill-mask and bert-safetensors use "
            f"tiny-bert's encoder weights (bert-safetensors also its pooler, so its numbers equal tiny_outputs); "
            f"random weights (seeded, torch.Generator, N(0, 0.1), LayerNorm weights 1 + N(0, 0.1)) for the MLM head "
            f"(seed {SEEDS['mlm_head']}), cls.seq_relationship (seed {SEEDS['pretraining_heads']}), "
            f"sentence-transformers-mean ({SEEDS['sentence_transformers_mean']}), sentence-transformers-cls "
            f"({SEEDS['sentence_transformers_cls']}), distilbert ({SEEDS['distilbert']}) and roberta ({SEEDS['roberta']}); "
            f"roberta's inputs are its own sentences, tokenized by its byte-level BPE tokenizer.json (ids stored beside "
            f"them, Hugging Face tokenizers semantics: truncation keeps </s>). logits_sample = "
            f"logits[0, :3, :5] (first sentence, first 3 tokens, first 5 vocabulary entries). Values rounded to 7 "
            f"significant digits."
        ),
        "inputs": {"source": "fixtures/tiny-bert-reference.json tokenization", "token_type_ids": "zeros"},
        "check_vs_tiny_outputs_max_abs_diff": check,
        "replicas": replicas,
    })
    print(f"wrote {out}")


def check_max(check):
    return max(check.values())


def reference_rows(model, input_ids, attention_mask, token_type_ids):
    with torch.no_grad():
        result = model.run(input_ids, attention_mask, token_type_ids)
    cls, mean = cls_and_mean(result["last_hidden_state"], attention_mask)
    pooled = result["pooler_output"].tolist() if result["pooler_output"] is not None else None
    return cls, mean, pooled


if __name__ == "__main__":
    main()
