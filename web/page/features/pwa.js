// Offline and installable: registers the service worker (sw.js, at the site's root) and says when the page
// works offline, or that an update is waiting (it takes over, and the page reloads, when the user says so).
import { $, el } from '../render.js';

function pwaStatus(text, action) {
  let box = $('pwa-status');
  if (!box) {
    box = el('p', undefined, 'pwa-status');
    box.id = 'pwa-status';
    box.setAttribute('aria-live', 'polite');
    document.querySelector('footer').append(box);
  }
  box.replaceChildren(el('span', text));
  if (action) {
    const button = el('button', action.label, 'secondary');
    button.type = 'button';
    button.addEventListener('click', action.run);
    box.append(' ', button);
  }
}

export async function attach() {
  if (!('serviceWorker' in navigator)) return;
  let registration;
  try {
    registration = await navigator.serviceWorker.register(new URL('../../sw.js', import.meta.url).href);
  } catch {
    return;  // e.g. a file:// page: the page works, just not offline
  }
  let updating = false;
  const offerUpdate = (worker) => pwaStatus('An update of neuro-shrink is available.', {
    label: 'Update',
    run: () => {
      updating = true;
      worker.postMessage('skip-waiting');
    },
  });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload();
  });
  await navigator.serviceWorker.ready;
  pwaStatus('Ready to work offline: the page, the estimator and every public config you open are kept on this device.');
}
