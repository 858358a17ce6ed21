-- Hardening of the login against account takeover (issue #13).
--
-- When the current password was set by someone other than the user (a derived initial password at
-- registration or re-issue, a temporary password at a reset) or by the user. A derived initial password
-- (FAQ 23) is guessable from public facts plus 10,000 phone endings, so it only works for
-- YQYB_INITIAL_PASSWORD_TTL after this instant. Existing rows take the best instant known: the last change
-- by the user, else the account's creation (registration is when a derived password was issued). Existing
-- rows stay NULL and every reader takes COALESCE(password_issued_at, created_at): a derived password is never
-- changed (a change makes it "chosen"), so its creation is its issue, and the city's million accounts need
-- not be rewritten during a deploy.
ALTER TABLE users ADD COLUMN password_issued_at {{timestamp}};

-- Lockouts grow on repeated bursts: how many lockouts followed one another (each starting within a day of
-- the previous one's end); the next one lasts the matching step of YQYB_LOCKOUT_DURATION and
-- YQYB_LOCKOUT_ESCALATION. failures now also counts attempts still being verified (see internal/auth).
ALTER TABLE login_throttle ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
