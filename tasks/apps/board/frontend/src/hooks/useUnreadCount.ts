import { useEffect } from 'react';
import { useLocation } from 'react-router-dom';
import { useStore } from '../lib/store';
import { refreshUnread, unreadStore } from '../lib/unread';

const POLL_MS = 30_000;

function refresh(): void {
  refreshUnread().catch(() => undefined);
}

/**
 * The unread notification count, refreshed on every page change, when the tab regains focus and
 * every 30 s.
 */
export function useUnreadCount(): number {
  const { pathname } = useLocation();

  useEffect(refresh, [pathname]);

  useEffect(() => {
    const timer = window.setInterval(refresh, POLL_MS);
    window.addEventListener('focus', refresh);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, []);

  return useStore(unreadStore);
}
