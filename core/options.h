// The request's options, declared once: every field estimate() and table() read, how the CLI spells it as a
// flag and the page as a URL parameter or element attribute, its type, bounds, default and allowed values.
// read_options() reads a request with this table (report.cpp), catalogue().options hands it to the front
// ends (the CLI builds its flags and --help from it, the page its inputs and limits), so no front end keeps
// a list of its own.
//
// Naming rule, for every entry:
//  - name: the JSON field, snake_case. A field of a nested object is written with its object:
//    "training.method" is {"training": {"method": ...}}. Issues about an option name it by this name.
//  - flag: "--" and the kebab-case of the name's last part ("context_tokens" -> "--context-tokens",
//    "training.micro_batch" -> "--micro-batch"). When the CLI takes the value in another unit (cli_unit) a
//    trailing "-bytes" is dropped: gpu_memory_bytes is "--gpu-memory", in GiB. null when the CLI has no flag
//    for it (contexts: the table only; hub: the CLI fills it from the Hub).
//  - param: the URL parameter and element attribute: the kebab-case of the name's last part, in the JSON
//    unit; an option with a cli_unit is named and valued as its flag is ("gpu-memory", GiB: param_unit and
//    param_factor in the schema). null where flag is.
//  - aliases: today's other names, kept so that old scripts and links work. One that starts with "--" is a
//    CLI flag (in cli_unit when the option has one); any other is a JSON key (beside the name's last part, in
//    the same object, in the JSON unit) and a URL parameter / attribute (in the param's unit). Giving two names of one option is an error.
//
// Types: integer (a JSON whole number; 8192.0 reads as 8192), number, string (trimmed; "" is the default),
// boolean, enum (one of `values`), list (a comma-separated string of `values`, in any order), array (a JSON
// array of integers, each within min..max, at most max_items), object (passed through: the Hub's facts).
// An enum or list is `closed` when `values` is every value the core takes; an open one also takes the
// spellings its table's finder resolves (bfloat16 for bf16, Q4_K_M in any case, a unique part of a GPU
// name), and an unknown value is refused by the estimate, naming the field and the known values.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config_reader.h"
#include "estimate.h"
#include "issue.h"
#include "json_writer.h"

namespace neuroshrink {

enum class option_type { integer, number, string, boolean, enumeration, list, array, object };
std::string_view option_type_name(option_type t);

// One value as read from the request, for an option's setter: integers in i (and u when not negative), a
// number in d, a string (trimmed, lowercased when the option folds case; an enum's matched value) in s.
struct option_value {
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  bool b = false;
  std::string s;
};
struct request_options;

// A request read with the schema: the typed options and what the estimate needs beside them.
struct request_options {
  std::string config_text;          // config: the config.json text (a nested JSON object is written back as text)
  std::string model_id;
  std::string draft_config_text;    // draft_config, as config
  estimate_options estimate;
  std::vector<uint64_t> contexts;   // table: the contexts asked for; empty = the default ladder
  std::vector<std::string> given;   // the names of the options the request gave (not null), in schema order
  bool has(std::string_view name) const;
};

// Where an option's allowed values come from.
enum class option_values {
  none,
  fixed,           // option_info::fixed
  weight_formats,  // weight_formats() and gguf_file_types() names (formats.cpp, gguf_quant.cpp)
  kv_dtypes,       // kv_dtypes() names
  runtimes,        // runtimes() names
  optimizers,      // training.cpp's optimizers (optimizer_names())
  gpus,            // the catalogue's gpus table (values_from)
  interconnects,   // interconnects() names (interconnects.cpp)
};

struct option_info {
  std::string_view name{};
  option_type type{};
  std::string_view group{};        // "model", "inference", "speed", "llama.cpp", "vllm", "training", "hub", "table"
  std::string_view doc{};          // one line
  std::string_view metavar{};      // the value's placeholder in usage texts: N, NAME, FILE, GIB
  std::string_view unit{};         // "tokens", "sequences", "bytes", "bytes/s", "fraction", "layers", ...
  std::span<const std::string_view> aliases{};
  // Bounds (integer, number, array items): min and max inclusive, unless min_exclusive. has_max false:
  // no upper bound in the schema.
  double min = 0, max = 0;
  bool has_min = false, has_max = false, min_exclusive = false;
  uint64_t max_items = 0;        // array
  // The default: a constant (default_kind), else default_text says what the estimate uses.
  enum class default_kind { none, integer, number, string } default_is = default_kind::none;
  int64_t (*default_integer)() = nullptr;  // read from estimate_options{} (not constexpr in every libc++)
  double default_number = 0;
  std::string_view default_string{};
  std::string_view default_text{};
  option_values values_source = option_values::none;
  std::span<const std::string_view> fixed{};  // option_values::fixed
  bool closed = false;
  std::string_view accepts{};      // open enums: the spellings the core resolves, in words
  std::string_view cli_unit{};     // the CLI flag's unit when it differs: "GiB", "GB/s"; "file": a path whose text is sent
  double cli_factor = 0;         // cli_unit value x cli_factor, rounded = the JSON value
  std::string_view code{};         // the issue code of a value this option refuses
  bool fold_case = false;        // strings: lowercased before use
  bool table_only = false;       // read by table() alone
  void (*set)(request_options&, const option_value&) = nullptr;  // stores a valid value (custom readers: config, hub)
};

// Every option, in the order the CLI's --help and the README list them.
std::span<const option_info> request_option_schema();
const option_info* find_option(std::string_view name);  // by name

// The derived spellings (naming rule above).
std::string option_flag(const option_info& o);   // "" when the option has no flag
std::string option_param(const option_info& o);  // "" when the option has no parameter
// The allowed values as text (enum, list); numbers of training.zero as their digits.
std::vector<std::string> option_values_of(const option_info& o);

// Reads every option of `req` (a JSON object) into `out`; each problem is an error issue whose field is the
// option's name and whose message says what it takes. With read_training false the training object is not
// read (the first-estimate build answers training with needs_full_estimator); with read_table false neither
// are the table's options.
void read_options(const config_json& req, request_options& out, std::vector<issue>& issues, bool read_training, bool read_table);

// catalogue().options: the schema as JSON (README.md's contract lists its keys).
void write_option_schema(json_writer& w);

}  // namespace neuroshrink
