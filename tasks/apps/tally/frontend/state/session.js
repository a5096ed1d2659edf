import { createStore } from './store.js';
import { readJson, writeJson } from './persist.js';

const STORAGE_KEY = 'tally.session';

/** The signed-in user and API token ({ token, user }), or null. */
export const sessionStore = createStore({ session: readJson(STORAGE_KEY, null) });

sessionStore.subscribe(({ session }) => writeJson(STORAGE_KEY, session));

export function getToken() {
  return sessionStore.getState().session?.token ?? null;
}

export function currentUser() {
  return sessionStore.getState().session?.user ?? null;
}

export function signIn(token, user) {
  sessionStore.update({ session: { token, user } });
}

export function signOut() {
  sessionStore.update({ session: null });
}
