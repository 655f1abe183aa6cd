// The Hugging Face token for gated models: kept for the tab (sessionStorage), or on the device when asked
// (localStorage); sent only by shared/hub-fetch.js, only to the Hub. A gated answer opens the box and focuses it.
import { $ } from '../render.js';

const TOKEN_KEY = 'neuro-shrink.hf-token';

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';  // storage disabled: the token lives in the field only
  }
}

function keepToken(token, remember) {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
    if (remember) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled */ }
}

export function attach(store) {
  const token = storedToken();
  store.update({ token });
  $('hf-token').value = token;
  $('remember-token').checked = (() => { try { return !!localStorage.getItem(TOKEN_KEY); } catch { return false; } })();
  $('use-token').addEventListener('click', () => {
    const value = $('hf-token').value.trim();
    keepToken(value, $('remember-token').checked);
    store.update({ token: value, load: { id: $('model-id').value.trim() } });
  });
  const askForToken = () => {
    $('own-config').open = true;
    $('hf-token').focus();
  };
  store.subscribe((s, before) => {
    if (s.hubError !== before.hubError && s.hubError?.type === 'gated') askForToken();
  });
  // A gated answer may come before this feature attaches (it loads after the first estimate).
  if (store.state.hubError?.type === 'gated') askForToken();
}
