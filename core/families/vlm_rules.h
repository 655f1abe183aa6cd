// The rules of families/vlm.cpp (vision-language models), one X(model_types, source, read, build) each. vlm.cpp
// expands them into its table, which only the full module links: the page's first module hands these
// model_types over (needs_full_estimator, on which web/estimator.js moves to the full module).
#pragma once

#define NEURO_SHRINK_VLM_RULES(X) \
  X("llava", "transformers configuration_llava.py, modeling_llava.py, configuration_clip.py", read_llava, build_llava) \
  X("llava_next", "transformers configuration_llava_next.py, modeling_llava_next.py, configuration_clip.py", read_llava_next, build_llava_next) \
  X("gemma3", "transformers configuration_gemma3.py, modeling_gemma3.py, configuration_siglip.py", read_gemma3, build_gemma3) \
  X("qwen2_vl", "transformers configuration_qwen2_vl.py, modeling_qwen2_vl.py", read_qwen2_vl, build_qwen_vl) \
  X("llama4", "transformers configuration_llama4.py, modeling_llama4.py", read_llama4, build_llama4) \
  X("mllama", "transformers configuration_mllama.py, modeling_mllama.py", read_mllama, build_mllama) \
  X("qwen2_5_vl", "transformers configuration_qwen2_5_vl.py, modeling_qwen2_5_vl.py", read_qwen2_5_vl, build_qwen_vl) \
  X("qwen3_5", "transformers configuration_qwen3_5.py, modeling_qwen3_5.py", read_qwen3_5, build_qwen3_5) \
  X("qwen3_5_moe", "transformers configuration_qwen3_5_moe.py, modeling_qwen3_5_moe.py", read_qwen3_5_moe, build_qwen3_5) \
  X("qwen3_vl", "transformers configuration_qwen3_vl.py, modeling_qwen3_vl.py", read_qwen3_vl, build_qwen3_vl) \
  X("qwen3_vl_moe", "transformers configuration_qwen3_vl_moe.py, modeling_qwen3_vl_moe.py", read_qwen3_vl_moe, build_qwen3_vl) \
  X("gemma4", "transformers configuration_gemma4.py, modeling_gemma4.py", read_gemma4, build_gemma4) \
  X("internvl_chat", "configuration_internvl_chat.py, modeling_internvl_chat.py, modeling_intern_vit.py shipped with OpenGVLab/InternVL2, 2.5, 3 (remote code)", read_internvl_chat, build_internvl_chat) \
  X("glm4v", "transformers configuration_glm4v.py, modeling_glm4v.py", read_glm4v, build_glm4v) \
  X("glm4v_moe", "transformers configuration_glm4v_moe.py, modeling_glm4v_moe.py", read_glm4v_moe, build_glm4v) \
  X("lfm2_vl", "transformers configuration_lfm2_vl.py, modeling_lfm2_vl.py (Liquid's remote code: model_type lfm2-vl)", read_lfm2_vl, build_lfm2_vl) \
  X("lfm2-vl", "Liquid's remote code modeling_lfm2_vl.py (transformers' lfm2_vl)", read_lfm2_vl, build_lfm2_vl) \
  X("molmo", "config_molmo.py, modeling_molmo.py shipped with allenai/Molmo-7B-D-0924 (remote code)", read_molmo, build_molmo) \
  X("phi3_v", "configuration_phi3_v.py, modeling_phi3_v.py, image_embedding_phi3_v.py shipped with microsoft/Phi-3(.5)-vision (remote code)", read_phi3_v, build_phi3_v) \
  X("qwen2_audio", "transformers configuration_qwen2_audio.py, modeling_qwen2_audio.py", read_qwen2_audio, build_qwen2_audio) \
  X("minicpmv", "configuration_minicpm.py, modeling_minicpmv.py, modeling_navit_siglip.py, resampler.py shipped with openbmb/MiniCPM-V 2.5 to 4.5 (remote code); vLLM minicpmv.py get_version_by_config", read_minicpmv, build_minicpmv) \
  X("mistral3", "transformers configuration_mistral3.py, modeling_mistral3.py, configuration_pixtral.py, modeling_pixtral.py", read_mistral3, build_mistral3)
