import { useState } from 'react';
import { Link } from 'react-router-dom';
import { STATUS_LABELS } from '../../../shared/api';
import type { Notification } from '../../../shared/api';
import { api } from '../api';
import { Avatar } from '../components/Badges';
import { PageState } from '../components/PageState';
import { useQuery } from '../hooks/useQuery';
import { formatInstant, formatRelative } from '../lib/dates';
import { isStatus } from '../lib/issues';
import { useMe } from '../lib/session';
import { toastError } from '../lib/toasts';
import { adjustUnread, refreshUnread, setUnread } from '../lib/unread';

/** "Ben mentioned you", "Cleo changed the status to Done", … */
export function describeNotification(notification: Notification): string {
  const who = notification.actor.name;
  switch (notification.type) {
    case 'assigned':
      return `${who} assigned you`;
    case 'mentioned':
      return `${who} mentioned you`;
    case 'status_changed': {
      const detail = notification.detail;
      if (!detail) return `${who} changed the status`;
      return `${who} changed the status to ${isStatus(detail) ? STATUS_LABELS[detail] : detail}`;
    }
    case 'commented':
      return `${who} commented`;
  }
}

export function InboxPage() {
  const me = useMe();
  const first = useQuery('notifications', () => api.notifications());
  const [more, setMore] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [unreadOnly, setUnreadOnly] = useState(false);

  const items = [...(first.data?.items ?? []), ...more];
  const nextCursor = cursor === undefined ? first.data?.next_cursor ?? null : cursor;
  const shown = unreadOnly ? items.filter((item) => !item.read) : items;
  const unreadShown = items.filter((item) => !item.read).length;

  const setRead = (id: number) => {
    const mark = (list: Notification[]) => list.map((item) => (item.id === id ? { ...item, read: true } : item));
    first.setData((page) => ({ ...page, items: mark(page.items) }));
    setMore(mark);
  };

  const markRead = async (notification: Notification) => {
    if (notification.read) return;
    setRead(notification.id);
    adjustUnread(-1);
    try {
      setUnread((await api.markRead(notification.id)).count);
    } catch (err) {
      toastError(err);
      first.reload();
      refreshUnread().catch(() => undefined);
    }
  };

  const markAll = async () => {
    try {
      setUnread((await api.markAllRead()).count);
      const readAll = (list: Notification[]) => list.map((item) => ({ ...item, read: true }));
      first.setData((page) => ({ ...page, items: readAll(page.items) }));
      setMore(readAll);
    } catch (err) {
      toastError(err);
    }
  };

  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = await api.notifications(nextCursor);
      setMore((list) => [...list, ...page.items]);
      setCursor(page.next_cursor);
    } catch (err) {
      toastError(err);
    }
  };

  if (!first.data) return <PageState error={first.error} loading={first.loading} />;

  return (
    <section data-testid="inbox-page">
      <div className="page-header">
        <h1>Inbox</h1>
        <span className="spacer" />
        <label className="field field-inline" style={{ margin: 0 }}>
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(event) => setUnreadOnly(event.target.checked)}
            data-testid="inbox-unread-only"
          />
          <span>Unread only</span>
        </label>
        <button type="button" className="button" onClick={markAll} disabled={unreadShown === 0} data-testid="mark-all-read">
          Mark all read
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="empty" data-testid="inbox-empty">
          {unreadOnly ? 'No unread notifications.' : 'You are all caught up.'}
        </p>
      ) : (
        <ul className="issue-list" data-testid="notification-list">
          {shown.map((notification) => (
            <li
              key={notification.id}
              className={notification.read ? 'notification' : 'notification unread'}
              data-testid={`notification-${notification.id}`}
              data-read={notification.read ? 'true' : 'false'}
            >
              {!notification.read && <span className="unread-dot" aria-label="Unread" />}
              <Avatar user={notification.actor} />
              <div className="notification-text">
                <Link
                  to={`/issues/${notification.issue.key}`}
                  onClick={() => void markRead(notification)}
                  data-testid={`notification-link-${notification.id}`}
                >
                  <span className="key">{notification.issue.key}</span> {notification.issue.title}
                </Link>
                <div className="small muted">
                  {describeNotification(notification)}
                  {notification.type !== 'status_changed' && notification.detail && `: “${notification.detail}”`}
                </div>
              </div>
              <time className="small muted" dateTime={notification.created_at} title={formatInstant(notification.created_at, me.time_zone)}>
                {formatRelative(notification.created_at, new Date(), me.time_zone)}
              </time>
              {!notification.read && (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => void markRead(notification)}
                  data-testid={`notification-read-${notification.id}`}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <div className="load-more">
          <button type="button" className="button" onClick={loadMore} data-testid="inbox-load-more">
            Load more
          </button>
        </div>
      )}
    </section>
  );
}
