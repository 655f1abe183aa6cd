// A Hub model's safetensors headers, read after the first answer (Range requests, headers only), make the
// estimate count from what the checkpoint stores (core/weight_files.h): the model gains `weights` and is estimated
// again. The URL's config-only (the option config_only) leaves the files unread, as do shipped, pasted and
// dropped configs.
import { formatCount } from '../../shared/format.js';

const ON = new Set(['1', 'true', 'yes', 'on']);
let asked = null;  // the model whose files were asked for (a new model is a new object)

async function read(store, m) {
  store.update({ status: `Reading the safetensors headers of ${m.id} (Range requests)…` });
  try {
    const { hubWeightDigests } = await import('../../shared/weight-files.js');
    const r = await hubWeightDigests(m.id, { token: store.state.token });
    if (store.state.model !== m) return;
    if (r.skipped) {
      store.update({ status: `The weight files were not read: ${r.skipped}. The estimate is from config.json.` });
      return;
    }
    store.update({ model: { ...m, weights: r.weights },
      status: `Read the safetensors headers of ${r.files.length} file${r.files.length > 1 ? 's' : ''} (${formatCount(r.read)} bytes): the weights are counted from them.` });
  } catch (err) {
    if (store.state.model === m) store.update({ status: `The weight files were not read (${err?.message ?? err}). The estimate is from config.json alone.` });
  }
}

export function attach(store) {
  const check = (s) => {
    const m = s.model;
    if (!m?.id || !m.text || m.pasted || m.shipped || m.file || m.weights || asked === m || !s.report) return;
    if (ON.has(String(s.params.config_only ?? '').toLowerCase())) return;
    asked = m;
    read(store, m);
  };
  store.subscribe(check);
  check(store.state);
}
