// Benchmark module (never shipped): the core step of one estimate timed inside WebAssembly, built from the
// same core with the full module's flags (wasm/CMakeLists.txt's neuroshrink_wasm_full: -O3, LTO, no
// exceptions). The config is parsed once, and its tensor inventory built once (neuroshrink::tensors_of, as
// the report, the solvers and the table share it); each timed call is neuroshrink::estimate(spec, tensors,
// options): weights, KV cache, activations, overhead, the formula texts and the fits over the whole GPU
// catalogue. `with_inventory` times estimate(spec, options) instead, which builds the inventory each call;
// `explain` false leaves out the formula texts, as the solvers' searches and the what-fits table do.
// `stagesUs` splits a whole estimate_json() call into its stages (the profile the benchmark script prints).
// Timed by the process's CPU time (Node's process.cpuUsage(), user + system), which other processes on a
// busy machine do not stretch, or by the wall clock (performance.now()) after setClock("wall").
// Run through tests/bench/estimate-wasm.mjs.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "estimate.h"
#include "gpus.h"
#include "json_writer.h"
#include "model_spec.h"
#include "report.h"
#include "solver.h"

// Microseconds of CPU time this process has used (every thread: after the warm-up V8's compiler threads are
// idle); outside Node, of the wall clock.
EM_JS(double, cpu_time_us, (), {
  if (typeof process === 'undefined' || !process.cpuUsage) return performance.now() * 1000;
  const u = process.cpuUsage();
  return u.user + u.system;
});

namespace {
volatile uint64_t g_sink = 0;
bool g_wall_clock = false;

double now_us() { return g_wall_clock ? emscripten_get_now() * 1000.0 : cpu_time_us(); }

// Median microseconds per call over `rounds` rounds of `per_round` calls, after a second of warm-up: V8
// first runs wasm in its baseline compiler (Liftoff) and tiers hot functions up to TurboFan in the
// background, so a short warm-up times a mix of both.
template <class F>
double median_us(F&& step, int rounds, int per_round, double warm_up_ms = 1000) {
  for (const double until = now_us() + warm_up_ms * 1000; now_us() < until;) g_sink = g_sink + step();
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    const double a = now_us();
    for (int i = 0; i < per_round; ++i) g_sink = g_sink + step();
    t.push_back((now_us() - a) / per_round);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void set_clock(const std::string& clock) { g_wall_clock = clock == "wall"; }

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

// The stages of estimate_json(request) for a request {config (a string), quantization, context_tokens},
// each timed alone inside WebAssembly (median us per call), as a JSON object:
//   estimate_json   the whole call, request text to report text (no JS string marshalling);
//   table_json      the what-fits table for the same config (every format x the default contexts);
//   request_parse   nlohmann's parse of the request text (the config inside it still a string);
//   config_parse    parse_config(config text): the second parse, into the model_spec;
//   tensors         tensors_of(spec): the tensor inventory and parameter counts;
//   estimate        estimate(spec, tensors, options) with the formula texts; estimate_numbers without;
//   solve           solve(): the solvers (little work without a chosen GPU);
//   fits_write      writing the fits list (every catalogue GPU) as report.cpp writes it;
//   formulas_write  writing the formula texts as report.cpp writes them;
// and the sizes: report_bytes, fits_bytes, formulas_bytes, gpus. What estimate_json spends beyond the named
// stages (options, the rest of the report) is its remainder.
std::string stages_us(const std::string& request, int rounds, int per_round) {
  using nlohmann::json;
  const json req = json::parse(request, nullptr, false);
  if (req.is_discarded() || !req.contains("config") || !req["config"].is_string()) return "{}";
  const std::string config = req["config"].get<std::string>();
  const auto parsed = neuroshrink::parse_config(config);
  if (neuroshrink::has_error(parsed.issues)) return "{}";
  neuroshrink::estimate_options o;
  if (req.contains("quantization") && req["quantization"].is_string()) o.quantization = req["quantization"].get<std::string>();
  if (req.contains("context_tokens") && req["context_tokens"].is_number_unsigned()) o.context_tokens = req["context_tokens"].get<uint64_t>();
  neuroshrink::estimate_options quiet = o;
  quiet.explain = false;
  const neuroshrink::model_tensors tensors = neuroshrink::tensors_of(parsed.spec);
  const neuroshrink::estimate_result r = neuroshrink::estimate(parsed.spec, tensors, o);
  const std::string table_request = json{{"config", config}}.dump();
  auto write_fits = [&] {
    neuroshrink::json_writer w;
    w.begin_object().key("fits").begin_array();
    for (const auto& f : r.fits)
      w.begin_object().field("name", f.gpu->name).field("memory_bytes", f.gpu->memory_bytes)
          .field("usable_bytes", neuroshrink::usable_bytes(*f.gpu)).field("fits", f.fits)
          .field("headroom_bytes", f.headroom_bytes).end_object();
    w.end_array().end_object();
    return w.take();
  };
  auto write_formulas = [&] {
    neuroshrink::json_writer w;
    w.begin_object().key("formulas").begin_array();
    for (const auto& f : r.formulas)
      w.begin_object().field("component", f.component).field("formula", f.formula).field("source", f.source).end_object();
    w.end_array().end_object();
    return w.take();
  };
  neuroshrink::json_writer out;
  out.begin_object();
  // The module is warm after the first stage: a shorter warm-up for each.
  auto time = [&](const char* name, auto&& step, int per) { out.field(name, median_us(step, rounds, per, 300)); };
  time("estimate_json", [&] { return neuroshrink::estimate_json(request).size(); }, per_round);
  time("table_json", [&] { return neuroshrink::table_json(table_request).size(); }, std::max(1, per_round / 20));
  time("request_parse", [&] { return json::parse(request, nullptr, false).size(); }, per_round);
  time("config_parse", [&] { return neuroshrink::parse_config(config).spec.num_hidden_layers; }, per_round);
  time("tensors", [&] { return neuroshrink::tensors_of(parsed.spec).parameters.by_layer_type.size(); }, per_round);
  time("estimate", [&] { return neuroshrink::estimate(parsed.spec, tensors, o).memory.total_bytes; }, per_round);
  time("estimate_numbers", [&] { return neuroshrink::estimate(parsed.spec, tensors, quiet).memory.total_bytes; }, per_round);
  time("solve", [&] { return neuroshrink::solve(parsed.spec, tensors, o, r).fewest_gpus; }, per_round);
  time("fits_write", [&] { return write_fits().size(); }, per_round);
  time("formulas_write", [&] { return write_formulas().size(); }, per_round);
  out.field("report_bytes", static_cast<uint64_t>(neuroshrink::estimate_json(request).size()))
      .field("fits_bytes", static_cast<uint64_t>(write_fits().size()))
      .field("formulas_bytes", static_cast<uint64_t>(write_formulas().size()))
      .field("gpus", static_cast<uint64_t>(r.fits.size()))
      .field("config_bytes", static_cast<uint64_t>(config.size()));
  out.end_object();
  return out.take();
}

}  // namespace

EMSCRIPTEN_BINDINGS(neuro_shrink_bench) {
  emscripten::function("setClock", &set_clock);
  emscripten::function("coreStepUs", &core_step_us);
  emscripten::function("stagesUs", &stages_us);
}
