const PALETTE = [
  '#2563eb', '#db2777', '#16a34a', '#ea580c', '#7c3aed',
  '#0891b2', '#ca8a04', '#dc2626', '#4f46e5', '#0d9488',
];

/** A stable color for a user: the same id always gets the same color. */
export function avatarColor(userId) {
  const index = Math.abs(Number(userId) || 0) % PALETTE.length;
  return PALETTE[index];
}

/** "Alice Admin" -> "AA", "cher" -> "C". */
export function initials(name) {
  const words = String(name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? [words[0][0]] : [words[0][0], words[words.length - 1][0]];
  return letters.join('').toUpperCase();
}
