-- Remember when a comment was last edited (updated_at alone cannot tell an edit made within the
-- same second as the post).

ALTER TABLE comments ADD COLUMN edited_at TEXT;
