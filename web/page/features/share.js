// "Copy link": the page's URL already holds every input (page/url.js, written after each estimate); a pasted
// config travels in the link's fragment (page/config-link.js), which is never sent to a server.
import { $ } from '../render.js';

export function attach(store) {
  $('copy-link').addEventListener('click', async () => {
    if (store.state.model?.file) {
      store.update({ status: `A link cannot carry ${store.state.model.id}: the file stays on your device. Share its Hub id instead.` });
      return;
    }
    if (store.state.model?.pasted) {
      const { writeConfigToHash } = await import('../config-link.js');
      store.update({ status: await writeConfigToHash(store.state.model.text) });
      return;
    }
    try {
      await navigator.clipboard.writeText(location.href);
      store.update({ status: 'Link copied.' });
    } catch {
      store.update({ status: `Copy this link: ${location.href}` });
    }
  });
}
