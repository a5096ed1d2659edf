import { createStore } from './store.js';
import { readJson, writeJson } from './persist.js';

const STORAGE_KEY = 'tally.drafts';

/** Unsent composer text, one entry per room id. */
export const draftStore = createStore(readJson(STORAGE_KEY, {}));

draftStore.subscribe((drafts) => writeJson(STORAGE_KEY, drafts));

export function getDraft(roomId) {
  return draftStore.getState()[roomId] ?? '';
}

export function setDraft(roomId, text) {
  draftStore.update((drafts) => {
    if ((drafts[roomId] ?? '') === text) return drafts;
    const next = { ...drafts };
    if (text) {
      next[roomId] = text;
    } else {
      delete next[roomId];
    }
    return next;
  });
}

export function clearDraft(roomId) {
  setDraft(roomId, '');
}
