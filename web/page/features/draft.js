// Speculative decoding and images on the page. The draft model named in the settings (draft_model, carried in the
// URL by its id) is fetched from the Hub like the model itself (shared/hub-fetch.js: the token only to the Hub,
// over HTTPS), and its config.json goes into the request as the setting draft_config (kept out of the link by
// page/features/url-sync.js). Under the runtime's details: what the draft takes and the decode range it may give,
// and what the images take of the context, from the report (text only, never HTML).
import { catalogue } from '../../shared/estimator.js';
import { formatBytes } from '../../shared/format.js';
import { shippedConfig } from '../../shared/models.js';
import { $, el } from '../render.js';

function draftText(d, unit, mtp) {
  const speed = d.decode_tokens_per_s_high
    ? ` Decode ~${d.decode_tokens_per_s_low.toFixed(1)} to ~${d.decode_tokens_per_s_high.toFixed(1)} tokens/s with it, if ${d.acceptance_low * 100} % to ${d.acceptance_high * 100} % of drafted tokens are accepted (the draft alone ~${d.draft_tokens_per_s.toFixed(0)} tokens/s).`
    : '';
  const what = mtp ? "MTP layers (the model's own draft" : `Draft model${d.model_id ? ` ${d.model_id}` : ''} (${d.quantization}`;
  return `${what}, ${d.draft_max} token${d.draft_max === 1 ? '' : 's'} drafted per step): ${formatBytes(d.total_bytes, unit)} beside the model.${speed}`;
}

function imagesText(i) {
  return `${i.count} image${i.count === 1 ? '' : 's'} of ${i.width}x${i.height}: ${i.tokens.toLocaleString('en-US')} tokens of the context (${i.tokens_per_image.toLocaleString('en-US')} each: ${i.rule}).`;
}

export function attach(store) {
  const info = el('div', null, 'runtime-info');
  info.id = 'multimodal-info';
  $('runtime-info').after(info);
  let fetched = '';
  let controller = null;
  const setConfig = (text) => store.update({ params: { ...store.state.params, draft_config: text } });
  const update = (s) => {
    const id = String(s.params.draft_model ?? '').trim();
    if (id !== fetched) {
      fetched = id;
      controller?.abort();
      controller = null;
      if (!id) {
        if (s.params.draft_config !== undefined) setConfig(undefined);
      } else {
        controller = new AbortController();
        const { signal } = controller;
        store.update({ status: `Fetching the draft model ${id}…` });
        // The page's shipped copy first (offline, no token), as for the model itself; else the Hub.
        shippedConfig(id).catch(() => null)
          .then((shipped) => shipped?.text ?? import('../../shared/hub-fetch.js')
            .then(({ fetchConfig }) => catalogue().then((c) => fetchConfig(id, { signal, token: store.state.token, maxBytes: c.limits.config_bytes }))))
          .then((text) => { if (fetched === id) { store.update({ status: `Loaded the draft model ${id}'s config.json.` }); setConfig(text); } })
          .catch((err) => {
            if (err?.name === 'AbortError' || fetched !== id) return;
            store.update({ status: '', alert: [`Could not load the draft model ${id}: ${err?.message ?? err}.`] });
          });
      }
    }
    const lines = [];
    if (s.report?.images) lines.push(imagesText(s.report.images));
    if (s.report?.draft) lines.push(draftText(s.report.draft, s.unit, false));
    if (s.report?.mtp) lines.push(draftText(s.report.mtp, s.unit, true));
    info.replaceChildren(...lines.map((t) => el('p', t)));
    info.hidden = !lines.length;
  };
  store.subscribe(update);
  update(store.state);
}
