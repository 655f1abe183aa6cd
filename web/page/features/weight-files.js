// A Hub model's safetensors headers, read after the first answer (Range requests, headers only), make the
// estimate count from what the checkpoint stores (core/weight_files.h): the model gains `weights` and is estimated
// again. The URL's config-only=1 (the option config_only, store.state.configOnly) leaves the files unread, as do shipped, pasted and
// dropped configs.
import { formatCount } from '../../shared/format.js';

let asked = null;  // the model whose files were asked for (a new model is a new object)

// What happened is said in the notes below the verdict (store.state.weightsNote), never in place of the status line.
async function read(store, m) {
  const note = (text) => { if (store.state.model === m) store.update({ weightsNote: text }); };
  try {
    const { hubWeightDigests } = await import('../../shared/weight-files.js');
    const r = await hubWeightDigests(m.id, { token: store.state.token });
    if (store.state.model !== m) return;
    if (r.skipped) return note(`The weight files were not read: ${r.skipped}. The estimate is from config.json.`);
    store.update({ weightsNote: `Read the safetensors headers of ${r.files.length} file${r.files.length > 1 ? 's' : ''} (${formatCount(r.read)} bytes).`, model: { ...m, weights: r.weights } });
  } catch (err) {
    note(`The weight files were not read (${err?.message ?? err}). The estimate is from config.json alone.`);
  }
}

export function attach(store) {
  const check = (s, before) => {
    const m = s.model;
    if (s.model !== before?.model && s.weightsNote && !s.model?.weights) store.update({ weightsNote: '' });
    if (!m?.id || !m.text || m.pasted || m.shipped || m.file || m.weights || asked === m || !s.report || s.configOnly) return;
    asked = m;
    read(store, m);
  };
  store.subscribe(check);
  check(store.state);
}
