// Benchmark module (never shipped): the core step of one estimate timed inside WebAssembly, built from the
// same core with the shipped modules' flags (-Oz, LTO, no exceptions). The config is parsed once, and its
// tensor inventory built once (neuroshrink::tensors_of, as the report, the solvers and the table share it);
// each timed call is neuroshrink::estimate(spec, tensors, options): weights, KV cache, activations,
// overhead, the formula texts and the fits over the whole GPU catalogue. `with_inventory` times
// estimate(spec, options) instead, which builds the inventory each call; `explain` false leaves out the
// formula texts, as the solvers' searches and the what-fits table do. Timed with emscripten_get_now()
// (performance.now()). Run through tests/bench/estimate-wasm.mjs.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <string>
#include <vector>

#include "estimate.h"
#include "model_spec.h"
#include "report.h"

namespace {
volatile uint64_t g_sink = 0;

// Median microseconds per call over `rounds` rounds of `per_round` calls, after a second of warm-up: V8
// first runs wasm in its baseline compiler (Liftoff) and tiers hot functions up to TurboFan in the
// background, so a short warm-up times a mix of both.
template <class F>
double median_us(F&& step, int rounds, int per_round) {
  for (const double until = emscripten_get_now() + 1000; emscripten_get_now() < until;) g_sink = g_sink + step();
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    const double a = emscripten_get_now();
    for (int i = 0; i < per_round; ++i) g_sink = g_sink + step();
    t.push_back((emscripten_get_now() - a) * 1000.0 / per_round);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// The core step for `config` at `quantization` and `context` tokens; -1 if the config does not parse.
double core_step_us(const std::string& config, const std::string& quantization, double context, bool with_inventory,
                    bool explain, int rounds, int per_round) {
  const auto parsed = neuroshrink::parse_config(config);
  if (neuroshrink::has_error(parsed.issues)) return -1;
  neuroshrink::estimate_options o;
  o.quantization = quantization;
  o.context_tokens = static_cast<uint64_t>(context);
  o.explain = explain;
  if (with_inventory) return median_us([&] { return neuroshrink::estimate(parsed.spec, o).memory.total_bytes; }, rounds, per_round);
  const neuroshrink::model_tensors tensors = neuroshrink::tensors_of(parsed.spec);
  return median_us([&] { return neuroshrink::estimate(parsed.spec, tensors, o).memory.total_bytes; }, rounds, per_round);
}

}  // namespace

EMSCRIPTEN_BINDINGS(neuro_shrink_bench) {
  emscripten::function("coreStepUs", &core_step_us);
}
