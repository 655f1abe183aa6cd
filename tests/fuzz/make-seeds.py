#!/usr/bin/env python3
"""Writes the seed corpora of the config and request fuzz targets from every fixture config.

Usage: tests/fuzz/make-seeds.py OUT_DIR (tests/fuzz/run.sh calls it with build/fuzz).
  OUT_DIR/corpus_config/  each tests/fixtures/configs/*.json as it is;
  OUT_DIR/corpus_request/ per fixture, requests {"config": <the fixture text as a string>, ...} with the
                          options below taken in turn (each option set meets several architectures), and
                          one request with the config as an object.
The committed hand-made seeds (tests/fuzz/corpus/<target>/) are copied beside them. Seeds are named by
what they hold, so running this again rewrites the same files and leaves what the fuzzer added.
"""
import json
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "configs"

TRAINING_FULL = {"method": "full", "optimizer": "adamw", "precision": "mixed-bf16", "micro_batch": 1,
                 "seq_len": 2048, "gradient_accumulation": 8, "checkpointing": "full", "zero": 3,
                 "offload": "optimizer", "train_embeddings": True}
TRAINING_LORA = {"method": "lora", "optimizer": "adamw-8bit", "precision": "bf16", "micro_batch": 2,
                 "seq_len": 4096, "lora_rank": 16, "lora_targets": "all-linear", "checkpointing": "selective"}
TRAINING_QLORA = {"method": "qlora", "optimizer": "paged-adamw-8bit", "precision": "mixed-fp16", "micro_batch": 4,
                  "seq_len": 1024, "lora_rank": 64, "lora_targets": "q,k,v,o", "freeze": "vision", "zero": "fsdp"}

# Option sets, one per request: every runtime, the weight formats of each (llama.cpp file types, GPTQ int4,
# fp8, MLX), KV cache types, contexts, a named GPU, several GPUs, training with each method, the table's
# contexts and the Hub cross-check.
VARIANTS = {
    "plain": {},
    "llamacpp-q4km": {"runtime": "llama.cpp", "quantization": "Q4_K_M", "context_tokens": 8192, "gpu": "RTX 4090",
                      "flash_attention": "on", "ubatch": 512, "gpu_layers": -1, "kv_cache_dtype": "q8_0"},
    "llamacpp-iq": {"runtime": "llama.cpp", "quantization": "IQ2_XXS", "context_tokens": 131072, "gpu_layers": 10,
                    "kv_cache_dtype_k": "q4_0", "kv_cache_dtype_v": "fp16", "flash_attention": "auto", "host_bandwidth": 50000000000},
    "llamacpp-q8": {"runtime": "llama.cpp", "quantization": "Q8_0", "context_tokens": 4096, "batch_size": 4, "gpus": 2},
    "vllm-fp8": {"runtime": "vllm", "quantization": "fp8", "context_tokens": 32768, "gpu": "H100 SXM",
                 "gpu_memory_utilization": 0.9, "max_num_seqs": 64, "max_num_batched_tokens": 8192, "kv_cache_dtype": "fp8"},
    "vllm-int4": {"runtime": "vllm", "quantization": "int4", "gpu": "RTX 4090", "gpus": 4, "gpu_memory_bytes": 25393692672},
    "mlx": {"runtime": "mlx", "quantization": "mlx-4bit", "context_tokens": 16384, "gpu": "M2 Ultra"},
    "transformers-int4": {"runtime": "transformers", "quantization": "int4", "context_tokens": 2048, "batch_size": 8,
                          "kv_cache_dtype": "fp8", "gpu": "RTX 4090"},
    "transformers-nf4": {"runtime": "transformers", "quantization": "nf4", "context_tokens": 1, "batch_size": 1},
    "train-full": {"mode": "train", "gpus": 8, "gpu": "H100 SXM", "training": TRAINING_FULL},
    "train-lora": {"mode": "train", "gpu": "RTX 4090", "training": TRAINING_LORA},
    "train-qlora": {"mode": "train", "quantization": "nf4", "gpus": 2, "training": TRAINING_QLORA},
    "table-hub": {"contexts": [1024, 8192, 131072], "quantization": "fp16",
                  "hub": {"parameters_total": 7000000000, "safetensors_total_bytes": 14000000000}},
}
PER_FIXTURE = 4  # option sets per fixture, besides "plain"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(sys.argv[1])
    config_dir, request_dir = out / "corpus_config", out / "corpus_request"
    config_dir.mkdir(parents=True, exist_ok=True)
    request_dir.mkdir(parents=True, exist_ok=True)
    names = [n for n in VARIANTS if n != "plain"]
    fixtures = sorted(FIXTURES.glob("*.json"))
    written = 0
    for i, fixture in enumerate(fixtures):
        text = fixture.read_text(encoding="utf-8")
        (config_dir / f"seed-{fixture.stem}.json").write_text(text, encoding="utf-8")
        model_id = fixture.stem.replace("__", "/", 1)
        chosen = ["plain"] + [names[(i * PER_FIXTURE + k) % len(names)] for k in range(PER_FIXTURE)]
        for name in chosen:
            request = {"config": text, "model_id": model_id, **VARIANTS[name]}
            (request_dir / f"seed-{fixture.stem}-{name}.json").write_text(json.dumps(request), encoding="utf-8")
            written += 1
        # The config as an object, as the request also allows.
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if obj is not None and i % 4 == 0:
            (request_dir / f"seed-{fixture.stem}-object.json").write_text(json.dumps({"config": obj}), encoding="utf-8")
            written += 1
    for target in ("config", "request"):
        for seed in sorted((ROOT / "tests" / "fuzz" / "corpus" / target).glob("*")):
            shutil.copyfile(seed, out / f"corpus_{target}" / seed.name)
    print(f"make-seeds: {len(fixtures)} configs, {written} requests ({len(VARIANTS)} option sets) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
