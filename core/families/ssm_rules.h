// The rules of families/ssm.cpp (state-space and linear-attention hybrids), one X(model_types, source, read, build) each. ssm.cpp
// expands them into its table, which only the full module links: the page's first module hands these
// model_types over (needs_full_estimator, on which web/estimator.js moves to the full module).
#pragma once

#define NEURO_SHRINK_SSM_RULES(X) \
  X("mamba falcon_mamba", "transformers configuration_mamba.py, modeling_mamba.py (falcon_mamba: the same tensors)", read_mamba, build_mamba) \
  X("mamba2", "transformers configuration_mamba2.py, modeling_mamba2.py", read_mamba2, build_mamba2) \
  X("jamba", "transformers configuration_jamba.py, modeling_jamba.py", read_jamba, build_jamba) \
  X("nemotron_h", "transformers configuration_nemotron_h.py, modeling_nemotron_h.py", read_nemotron_h, build_nemotron_h) \
  X("qwen3_next", "transformers configuration_qwen3_next.py, modeling_qwen3_next.py", read_qwen3_next, build_gdn) \
  X("qwen3_5_text", "transformers configuration_qwen3_5.py (Qwen3_5TextConfig), modeling_qwen3_5.py", read_qwen3_5_text, build_gdn) \
  X("qwen3_5_moe_text", "transformers configuration_qwen3_5_moe.py (Qwen3_5MoeTextConfig), modeling_qwen3_5_moe.py", read_qwen3_5_moe_text, build_gdn) \
  X("lfm2", "transformers configuration_lfm2.py, modeling_lfm2.py", read_lfm2, build_lfm2) \
  X("falcon_h1", "transformers configuration_falcon_h1.py, modeling_falcon_h1.py", read_falcon_h1, build_falcon_h1) \
  X("granitemoehybrid", "transformers configuration_granitemoehybrid.py, modular_granitemoehybrid.py", read_granitemoehybrid, build_granitemoehybrid)
