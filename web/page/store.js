// The page's state: one object, replaced (never mutated) by update(); every subscriber hears each change with
// the state before it, and acts on what differs. The shell, the rendering and every feature share it and
// nothing else, so none of them imports another.
export function createStore(initial) {
  let state = initial;
  const listeners = new Set();
  return {
    get state() { return state; },
    update(patch) {
      const before = state;
      state = { ...state, ...patch };
      for (const listener of listeners) listener(state, before);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
