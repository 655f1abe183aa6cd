// The large decoder rules of families/decoders.cpp (multi-head latent attention, DeepSeek Sparse Attention,
// Nemotron-NAS's heterogeneous blocks, Llama 4's text model), one X(model_types, source, read, build) each.
// decoders.cpp expands them into large_decoder_families(), which only the full module links: the page's first
// module hands these model_types over (config.cpp's needs_full_estimator), as the state-space and vision-language ones.
#pragma once

#define NEURO_SHRINK_LARGE_DECODER_RULES(X) \
  X("deepseek_v2", "transformers configuration_deepseek_v2.py, modeling_deepseek_v2.py", read_deepseek_v2, build_deepseek) \
  X("deepseek_v3", "transformers configuration_deepseek_v3.py, modeling_deepseek_v3.py", read_deepseek_v3, build_deepseek) \
  X("deepseek_v32", "transformers modular_deepseek_v32.py; DeepSeek-V3.2-Exp inference/model.py (Indexer)", read_deepseek_v32, build_deepseek) \
  X("glm_moe_dsa", "transformers modular_glm_moe_dsa.py", read_glm_moe_dsa, build_deepseek) \
  X("nemotron-nas", "configuration_decilm.py / modeling_decilm.py shipped with the Nemotron-NAS checkpoints", read_nemotron_nas, build_nemotron_nas) \
  X("llama4_text", "transformers configuration_llama4.py (Llama4TextConfig), modeling_llama4.py", read_llama4_text, build_llama4_text)
