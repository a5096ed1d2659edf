import type { User } from '../types';
import { createStore, useStore } from './store';

const STORAGE_KEY = 'desk.session';

interface Session {
  token: string;
  user: User;
}

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const sessionStore = createStore<{ session: Session | null }>({ session: readSession() });

sessionStore.subscribe(({ session }) => {
  try {
    if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage can be unavailable (private windows); the session then lasts for this tab only
  }
});

export function getToken(): string | null {
  return sessionStore.get().session?.token ?? null;
}

export function signIn(token: string, user: User): void {
  sessionStore.set({ session: { token, user } });
}

export function signOut(): void {
  sessionStore.set({ session: null });
}

/** The signed-in user. Only for components rendered inside the signed-in shell. */
export function useCurrentUser(): User {
  return useStore(sessionStore, (state) => state.session?.user) as User;
}

export function isStaff(user: User): boolean {
  return user.role === 'agent' || user.role === 'admin';
}
