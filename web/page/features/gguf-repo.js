// A Hub id whose repository has no config.json but GGUF files: the model is the file of the chosen type (or
// llama-server's default, Q4_K_M), read by Range up to the end of its header and estimated from it alone. A
// GGUF type chosen later loads that file; a type the repository lacks is predicted from the file's metadata.
import { formatCount } from '../../shared/format.js';
import { isOn } from '../../shared/params.js';
import { $ } from '../render.js';

const wantsMmproj = (s) => isOn(s.params.mmproj);

let answered = null;  // the Hub failure already answered (each new failure is a new error object)

async function load(store, id, type) {
  const { ggufRepoModel } = await import('../../shared/gguf-repo.js');
  store.update({ status: `${id} has no config.json: reading the header of its ${type || 'Q4_K_M'} GGUF file by Range…`, busy: true });
  try {
    const m = await ggufRepoModel(id, { type, token: store.state.token, mmproj: wantsMmproj(store.state) });
    if (store.state.load?.id && store.state.load.id !== id) return;
    $('model-id').value = id;
    store.update({
      alert: [], failed: false, hubError: null,
      status: `${id} holds GGUF files, no config.json: estimating ${m.file} from its header (${formatCount(m.read)} bytes read of ${formatCount(m.size_total)}${m.parts ? ` in ${m.parts.length} parts` : ''}).` +
        (m.files.length > 1 ? ` Its other types: ${m.files.filter((f) => f.file !== m.file).map((f) => f.type || f.file).join(', ')}.` : ''),
      params: { ...store.state.params, runtime: 'llama.cpp', quantization: m.type || store.state.params.quantization },
      model: { id, text: null, hub: { gguf_files: m.files.length }, file: { bytes: m.bytes, size: m.size, parts: m.parts }, mmproj: m.mmproj?.digest,
        ggufRepo: { file: m.file, type: m.type, types: m.files.map((f) => f.type), mmproj: m.mmproj !== undefined, mmprojFiles: m.projectors.length } },
    });
  } catch (err) {
    store.update({ alert: [err?.message ?? String(err)], failed: true, busy: false, status: '' });
  }
}

async function loadProjector(store, id, type) {
  const { ggufRepoProjector } = await import('../../shared/gguf-repo.js');
  try {
    const projector = await ggufRepoProjector(id, { type, token: store.state.token });
    const { model } = store.state;
    if (model?.id !== id) return;
    store.update({
      model: { ...model, mmproj: projector?.digest, ggufRepo: { ...model.ggufRepo, mmproj: true } },
      status: projector ? `Projector ${projector.file}: its header read by Range (${formatCount(projector.read)} bytes).` : `${id} has no mmproj file: the projector is not counted.`,
    });
  } catch (err) {
    store.update({ alert: [err?.message ?? String(err)], failed: true, busy: false });
  }
}

export function attach(store) {
  const check = (s) => {
    const err = s.hubError;
    // config.json missing in a repository that exists (EntryNotFound), or a 404 the browser could not tell apart
    if (err?.type === 'not_found' && err.modelId && err !== answered) {
      answered = err;
      load(store, err.modelId, s.params.quantization);
    }
  };
  store.subscribe((s, before) => {
    if (s.hubError !== before.hubError) check(s);
    // another GGUF type of the same repository: its own file, when the repository has one
    const repo = s.model?.ggufRepo;
    if (repo && s.params.quantization !== before.params.quantization && s.params.quantization !== repo.type &&
        repo.types.includes(String(s.params.quantization).toUpperCase())) load(store, s.model.id, s.params.quantization);
    // the projector asked for after the model was read: its header alone
    else if (repo && s.params.mmproj !== before.params.mmproj && wantsMmproj(s) && !repo.mmproj) loadProjector(store, s.model.id, repo.type);
  });
  check(store.state);
}
