// Median time of one estimate for the Llama-3.1-8B fixture, native: the whole request (JSON parse,
// estimate, solvers, JSON report), the core step from a parsed model_spec (building its tensor inventory),
// and the core step from a parsed model_spec and its inventory (tensors_of, built once per config).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "estimate.h"
#include "report.h"

template <class F>
double median_us(F&& f, int rounds, int per_round) {
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    const auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < per_round; ++i) f();
    const auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::micro>(b - a).count() / per_round);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  std::ifstream in(FIXTURES_DIR "/configs/meta-llama__Meta-Llama-3.1-8B.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string config = ss.str();
  const std::string request = nlohmann::json{{"config", config}, {"quantization", "int4"}, {"context_tokens", 4096}}.dump();
  volatile size_t sink = 0;

  const double full = median_us([&] { sink = sink + neuroshrink::estimate_json(request).size(); }, 31, 200);
  const auto parsed = neuroshrink::parse_config(config);
  neuroshrink::estimate_options opt;
  opt.quantization = "int4";
  const double core = median_us([&] { sink = sink + neuroshrink::estimate(parsed.spec, opt).memory.total_bytes; }, 31, 2000);
  const neuroshrink::model_tensors tensors = neuroshrink::tensors_of(parsed.spec);
  const double step = median_us([&] { sink = sink + neuroshrink::estimate(parsed.spec, tensors, opt).memory.total_bytes; }, 31, 2000);
  neuroshrink::estimate_options numbers_only = opt;
  numbers_only.explain = false;
  const double numbers = median_us([&] { sink = sink + neuroshrink::estimate(parsed.spec, tensors, numbers_only).memory.total_bytes; }, 31, 2000);
  // llama.cpp: the compute buffer replays ggml-alloc over the reserved graph (32 layers, ~1,000 tensors)
  neuroshrink::estimate_options llama = numbers_only;
  llama.runtime = "llama.cpp";
  llama.quantization = "Q4_K_M";
  llama.context_tokens = 4096;
  const double llama_step = median_us([&] { sink = sink + neuroshrink::estimate(parsed.spec, tensors, llama).memory.total_bytes; }, 31, 500);
  std::printf("native  estimate_json (parse + estimate + report JSON), Llama-3.1-8B int4 4096 tokens: median %.2f us\n", full);
  std::printf("native  estimate (core, from a parsed config, building its tensor inventory):     median %.2f us\n", core);
  std::printf("native  estimate (core, from a parsed config and its tensor inventory):          median %.2f us\n", step);
  std::printf("native  the same without the formula texts (the solvers' and the table's step):  median %.2f us\n", numbers);
  std::printf("native  llama.cpp Q4_K_M 4096 tokens, numbers only (the compute graph replayed):   median %.2f us\n", llama_step);
  return 0;
}
