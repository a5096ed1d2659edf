/**
 * Dates in Board come in two kinds:
 * - instants (`created_at`, `updated_at`, comment times): ISO strings with a zone, shown in the
 *   viewer's time zone;
 * - calendar dates (`due_date`, cycle `start_date`/`end_date`): `YYYY-MM-DD` with no zone. A
 *   calendar date is the same day for everybody, so it is never passed through `new Date(string)`
 *   (which would read it as UTC midnight and show the previous day west of Greenwich).
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function parseCalendarDate(value: string): CalendarDate | null {
  const match = DATE_RE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatCalendarKey(date: CalendarDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/**
 * Today's calendar date for the viewer: the browser's (pinned) clock, read in the profile's time
 * zone when one is set, else in the browser's zone.
 */
export function todayKey(now: Date = new Date(), timeZone?: string): string {
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      }).formatToParts(now);
      const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
      return formatCalendarKey({ year: part('year'), month: part('month'), day: part('day') });
    } catch {
      // unknown zone name: fall through to the browser's zone
    }
  }
  return formatCalendarKey({ year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() });
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = parseCalendarDate(from);
  const b = parseCalendarDate(to);
  if (!a || !b) return 0;
  const ms = Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day);
  return Math.round(ms / 86_400_000);
}

/** "Jan 5" in the current year, "Jan 5, 2024" otherwise. */
export function formatCalendarDate(value: string | null | undefined, now: Date = new Date()): string {
  if (!value) return '';
  const date = parseCalendarDate(value);
  if (!date) return value;
  const label = `${MONTHS[date.month - 1]} ${date.day}`;
  return date.year === now.getFullYear() ? label : `${label}, ${date.year}`;
}

/** A due date is overdue once its whole day has passed for the viewer; done issues never are. */
export function isOverdue(dueDate: string | null | undefined, now: Date = new Date(), timeZone?: string): boolean {
  if (!dueDate) return false;
  return daysBetween(todayKey(now, timeZone), dueDate) < 0;
}

/** "Due today", "Due tomorrow", "Due in 3 days", "2 days overdue". */
export function describeDue(dueDate: string, now: Date = new Date(), timeZone?: string): string {
  const days = daysBetween(todayKey(now, timeZone), dueDate);
  if (days === 0) return 'Due today';
  if (days === 1) return 'Due tomorrow';
  if (days === -1) return '1 day overdue';
  if (days < 0) return `${-days} days overdue`;
  if (days < 7) return `Due in ${days} days`;
  return `Due ${formatCalendarDate(dueDate, now)}`;
}

/** Short absolute form of an instant in the viewer's zone: "Jan 15, 10:04". */
export function formatInstant(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('en-US', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: timeZone || undefined,
    }).format(date);
  } catch {
    // an unknown zone name in the profile falls back to the browser's zone
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  }
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the absolute date. */
export function formatRelative(iso: string, now: Date = new Date(), timeZone?: string): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return formatInstant(iso, timeZone);
}

/** Minutes still left to edit a comment created at `createdAt`, given the edit window. */
export function minutesLeftToEdit(createdAt: string, windowMinutes: number, now: Date = new Date()): number {
  const elapsed = (now.getTime() - new Date(createdAt).getTime()) / 60_000;
  return Math.max(0, Math.floor(windowMinutes - elapsed));
}

/** "Jan 6 – Jan 19" for a cycle's range. */
export function formatDateRange(start: string, end: string, now: Date = new Date()): string {
  return `${formatCalendarDate(start, now)} – ${formatCalendarDate(end, now)}`;
}
