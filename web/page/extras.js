// What the page adds once its first estimate is on screen (app.js imports this after it, so none of it weighs
// on the first answer). Each feature gets the store and attaches itself; none imports the shell or another.
import * as charts from './features/charts.js';
import * as draft from './features/draft.js';
import * as embed from './features/embed.js';
import * as files from './features/files.js';
import * as ggufRepo from './features/gguf-repo.js';
import * as gpuHint from './features/gpu-hint.js';
import * as inputs from './features/inputs.js';
import * as mmproj from './features/mmproj.js';
import * as others from './features/others.js';
import * as pwa from './features/pwa.js';
import * as quantTable from './features/quant-table.js';
import * as reconcileLog from './features/reconcile.js';
import * as reportDetails from './features/report-details.js';
import * as settingsPanel from './features/settings-panel.js';
import * as share from './features/share.js';
import * as token from './features/token.js';
import * as urlSync from './features/url-sync.js';
import * as weightFiles from './features/weight-files.js';

export function attach(store) {
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('../extras.css', import.meta.url).href;
  document.head.append(css);
  // In this order: the buttons go in one after another (Embed this, then the Hub's weight files).
  for (const feature of [urlSync, reportDetails, share, ggufRepo, token, gpuHint, pwa, embed, files, inputs, mmproj, draft, others, settingsPanel, charts, quantTable, weightFiles, reconcileLog]) feature.attach(store);
}
