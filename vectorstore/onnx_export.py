"""The ONNX export of a local sentence-transformers folder (fp32, and int8 from it), made once and
cached by the folder's fingerprint, atomically, so concurrent processes never read half a file.
Nothing is downloaded: the export reads only the model folder."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from pathlib import Path


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _fingerprint(folder: Path) -> str:
    """The model folder's configuration and weight files (name, size, mtime): a new model, a new export."""
    digest = hashlib.sha256(str(folder.resolve()).encode())
    for name in ("config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        if (folder / name).is_file():
            digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        st = weights.stat()
        digest.update(f"{weights.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return digest.hexdigest()[:16]


_EXPORT_LOCK = threading.Lock()


def export_onnx(model_path: str, quantized: bool, cache_dir: Path) -> Path:
    """The model as an optimised ONNX file (int8 when asked), made once from the local folder into
    `cache_dir` (settings.embedding.cache_dir)."""
    folder = Path(model_path)
    target_dir = cache_dir.expanduser() / "onnx" / _fingerprint(folder)
    fp32 = target_dir / "model.onnx"
    int8 = target_dir / "model-int8.onnx"
    wanted = int8 if quantized else fp32
    if wanted.is_file():
        return wanted
    with _EXPORT_LOCK:
        if wanted.is_file():
            return wanted
        target_dir.mkdir(parents=True, exist_ok=True)
        if not fp32.is_file():
            _export_fp32(folder, fp32)
        if quantized and not int8.is_file():
            _quantize(fp32, int8)
    return wanted


def _atomic_target(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _export_fp32(folder: Path, final: Path) -> None:
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(str(folder), local_files_only=True)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

    class LastHidden(torch.nn.Module):  # keyword arguments: positional order differs between versions
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    raw = _atomic_target(final.with_name("raw.onnx"))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shapes; the dynamic axes cover them
            torch.onnx.export(
                LastHidden(model), (example, example, torch.zeros_like(example)), str(raw),
                input_names=names, output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["last_hidden_state"]},
                opset_version=17, dynamo=False,
            )
        # Fuse attention, layer norm and GELU into onnxruntime's kernels: same maths, fewer passes.
        optimized = optimize_model(
            str(raw), model_type="bert", num_heads=int(config.num_attention_heads), hidden_size=int(config.hidden_size)
        )
        tmp = _atomic_target(final)
        optimized.save_model_to_file(str(tmp))
        os.replace(tmp, final)
    finally:
        raw.unlink(missing_ok=True)


def _quantize(fp32: Path, final: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = _atomic_target(final)
    # Per-channel weights keep vectors within ~0.99 cosine of fp32; per-tensor drops to ~0.95.
    # The fused graph's custom ops have no inferred types, hence the default tensor type.
    quantize_dynamic(
        str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    os.replace(tmp, final)
