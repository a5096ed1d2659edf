import type { Me } from '../../../shared/api';
import { createStore, useStore } from './store';

const STORAGE_KEY = 'board.session';

export interface Session {
  token: string;
  user: Me;
}

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const sessionStore = createStore<Session | null>(readSession());

sessionStore.subscribe(() => {
  const session = sessionStore.get();
  try {
    if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable (private window): the session lasts for this tab only
  }
});

export function getToken(): string | null {
  return sessionStore.get()?.token ?? null;
}

export function signIn(token: string, user: Me): void {
  sessionStore.set({ token, user });
}

export function signOut(): void {
  sessionStore.set(null);
}

/** Replaces the stored profile after the user edited it (or /me was refreshed). */
export function updateSessionUser(user: Me): void {
  sessionStore.set((session) => (session ? { ...session, user } : session));
}

const selectSignedIn = (session: Session | null) => session !== null;
const selectUser = (session: Session | null) => session?.user ?? null;

export function useSignedIn(): boolean {
  return useStore(sessionStore, selectSignedIn);
}

/** The signed-in user; only for components inside the signed-in shell. */
export function useMe(): Me {
  const user = useStore(sessionStore, selectUser);
  if (!user) throw new Error('useMe() used while signed out');
  return user;
}

export function isAdmin(user: Me): boolean {
  return user.role === 'admin';
}

export function isGuest(user: Me): boolean {
  return user.role === 'guest';
}
