// "Beside other tools": what the rule of thumb and accelerate's estimate-memory say for the same model and setting
// (the report's `others`, core/others.cpp), each with its formula and what it leaves out, so that a user sees why
// the figures differ. Text only.
import { formatBytes } from '../../shared/format.js';
import { $, el } from '../render.js';

export function attach(store) {
  const box = el('section', undefined, 'others');
  box.id = 'others';
  box.setAttribute('aria-labelledby', 'others-title');
  box.hidden = true;
  $('runtime-info').after(box);
  const update = (s) => {
    const others = s.report?.others;
    if (!others?.length || !s.report.memory) {
      box.hidden = true;
      return;
    }
    const title = el('h3', 'Beside other tools');
    title.id = 'others-title';
    const list = el('ul');
    for (const o of others) {
      const d = o.difference_percent;
      const item = el('li');
      item.append(el('strong', `${o.tool} (${o.what}): ${formatBytes(o.bytes, s.unit)}`),
        el('span', ` ${d >= 0 ? '+' : ''}${d.toFixed(0)} % against this estimate's ${formatBytes(s.report.memory.total_bytes, s.unit)}. ${o.formula}; it leaves out ${o.leaves_out}.`));
      list.append(item);
    }
    box.replaceChildren(title, list);
    box.hidden = false;
  };
  store.subscribe(update);
  update(store.state);
}
