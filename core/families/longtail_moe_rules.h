// The long tail of architectures people run (mixture-of-experts and other non-dense decoders), one
// X(model_types, source, read, build) each; families/longtail_moe.cpp expands them into longtail_moe_families()
// (the full module's; the first module hands these model_types over, as the large decoders).
#pragma once

#define NEURO_SHRINK_LONGTAIL_MOE_RULES(X) \
  X("deepseek", "configuration_deepseek.py, modeling_deepseek.py shipped with deepseek-ai/deepseek-moe-16b-base (DeepseekForCausalLM, remote code)", read_deepseek_moe, build_deepseek_moe) \
  X("olmoe", "transformers configuration_olmoe.py, modeling_olmoe.py", read_olmoe, build_olmoe) \
  X("granitemoe", "transformers configuration_granitemoe.py, modeling_granitemoe.py", read_granitemoe, build_granitemoe) \
  X("minicpm", "configuration_minicpm.py, modeling_minicpm.py shipped with openbmb/MiniCPM-2B and MiniCPM4 (MiniCPMForCausalLM, remote code); vLLM minicpm.py for MiniCPM-MoE", read_minicpm, build_minicpm) \
  X("minicpm3", "configuration_minicpm.py, modeling_minicpm.py shipped with openbmb/MiniCPM3-4B (MiniCPM3ForCausalLM, remote code)", read_minicpm3, build_minicpm3) \
  X("ernie4_5_moe", "transformers configuration_ernie4_5_moe.py, modular_ernie4_5_moe.py", read_ernie4_5_moe, build_ernie4_5_moe) \
  X("glm4_moe", "transformers configuration_glm4_moe.py, modeling_glm4_moe.py", read_glm4_moe, build_glm4_moe) \
  X("hunyuan_v1_moe hunyuan", "transformers configuration_hunyuan_v1_moe.py, modeling_hunyuan_v1_moe.py; Tencent's remote code (model_type hunyuan) for the first Hunyuan-A13B release", read_hunyuan_moe, build_hunyuan) \
  X("hunyuan_v1_dense", "transformers configuration_hunyuan_v1_dense.py, modeling_hunyuan_v1_dense.py", read_hunyuan_dense, build_hunyuan)
