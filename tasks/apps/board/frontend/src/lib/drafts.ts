/**
 * Comment drafts, one per issue. They live in sessionStorage, so a half-written comment survives
 * navigating to another issue and back (and a reload), but not closing the tab.
 */
const PREFIX = 'board.draft.';

export function loadDraft(issueKey: string): string {
  try {
    return sessionStorage.getItem(PREFIX + issueKey) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(issueKey: string, text: string): void {
  try {
    if (text.trim()) sessionStorage.setItem(PREFIX + issueKey, text);
    else sessionStorage.removeItem(PREFIX + issueKey);
  } catch {
    // storage unavailable: the draft lives only as long as the composer
  }
}

export function clearDraft(issueKey: string): void {
  saveDraft(issueKey, '');
}
