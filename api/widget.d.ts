// neuro-shrink/widget: importing it registers <neuro-shrink> (web/widget.js documents its attributes, parts and
// CSS custom properties).
import type { HubError } from './index.js';
import type { Report } from './types.js';

export interface NeuroShrinkEstimateEvent extends CustomEvent<{ report: Report }> {}
export interface NeuroShrinkErrorEvent
  extends CustomEvent<{ type: HubError['type'] | 'estimate'; message: string }> {}

export interface NeuroShrinkElementEventMap extends Omit<HTMLElementEventMap, 'error'> {
  estimate: NeuroShrinkEstimateEvent;
  error: NeuroShrinkErrorEvent;
}

/** <neuro-shrink model-id="..." quantization="..." context-tokens="..." gpu="..." gpus="..." gpu-memory="..." runtime="..." theme="light|dark|auto">. */
export interface NeuroShrinkElement extends HTMLElement {
  addEventListener<K extends keyof NeuroShrinkElementEventMap>(type: K, listener: (this: NeuroShrinkElement, ev: NeuroShrinkElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'neuro-shrink': NeuroShrinkElement;
  }
}
