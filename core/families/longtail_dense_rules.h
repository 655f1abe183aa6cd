// The long tail of architectures people run (dense decoders), one
// X(model_types, source, read, build) each; families/longtail_dense.cpp expands them into longtail_dense_families()
// (the full module's; the first module hands these model_types over, as the large decoders).
#pragma once

#define NEURO_SHRINK_LONGTAIL_DENSE_RULES(X) \
  X("gpt_bigcode", "transformers configuration_gpt_bigcode.py, modeling_gpt_bigcode.py", read_gpt_bigcode, build_gpt_bigcode) \
  X("qwen", "configuration_qwen.py, modeling_qwen.py shipped with the Qwen (v1) checkpoints (QWenLMHeadModel, remote code)", read_qwen, build_qwen) \
  X("stablelm", "transformers configuration_stablelm.py, modeling_stablelm.py", read_stablelm, build_stablelm) \
  X("smollm3", "transformers configuration_smollm3.py, modeling_smollm3.py", read_smollm3, build_smollm3) \
  X("granite", "transformers configuration_granite.py, modeling_granite.py", read_granite, build_granite) \
  X("exaone4", "transformers configuration_exaone4.py, modeling_exaone4.py", read_exaone4, build_exaone4) \
  X("seed_oss", "transformers configuration_seed_oss.py, modeling_seed_oss.py", read_seed_oss, build_seed_oss) \
  X("mimo", "configuration_mimo.py, modeling_mimo.py shipped with XiaomiMiMo/MiMo-7B (MiMoForCausalLM, remote code)", read_mimo, build_mimo) \
  X("chatglm", "configuration_chatglm.py, modeling_chatglm.py shipped with THUDM/chatglm2-6b, chatglm3-6b, glm-4-9b (ChatGLMForConditionalGeneration, remote code)", read_chatglm, build_chatglm) \
  X("baichuan", "configuration_baichuan.py, modeling_baichuan.py shipped with baichuan-inc/Baichuan-7B, Baichuan-13B and Baichuan2 (remote code)", read_baichuan, build_baichuan)
