// The server's only source of "now".
//
// When SWELANCER_NOW (an ISO instant) is set, the clock starts at that instant at the real Unix
// time SWELANCER_NOW_AT (seconds, may be fractional; defaults to the moment the process started)
// and advances with the real clock from there. Otherwise it is the real time.

const pinnedAt = parsePin(process.env.SWELANCER_NOW, process.env.SWELANCER_NOW_AT);

function parsePin(nowText: string | undefined, atText: string | undefined): { base: number; realStart: number } | null {
  if (!nowText) return null;
  const base = Date.parse(nowText);
  if (Number.isNaN(base)) {
    throw new Error(`SWELANCER_NOW is not an ISO instant: ${nowText}`);
  }
  let realStart = Date.now();
  if (atText) {
    const seconds = Number(atText);
    if (!Number.isFinite(seconds)) {
      throw new Error(`SWELANCER_NOW_AT is not a number of seconds: ${atText}`);
    }
    realStart = seconds * 1000;
  }
  return { base, realStart };
}

/** Milliseconds since the epoch, on the server's clock. */
export function nowMs(): number {
  if (!pinnedAt) return Date.now();
  return pinnedAt.base + (Date.now() - pinnedAt.realStart);
}

export function now(): Date {
  return new Date(nowMs());
}

/** An instant as the API writes it: UTC, whole seconds ("2025-01-15T10:00:00Z"). */
export function formatInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nowIso(): string {
  return formatInstant(now());
}
