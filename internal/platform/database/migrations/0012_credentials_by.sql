-- Who issued an account's current credentials: the user who created it or last reset its password. Whoever
-- saw a temporary password can have logged in with it, so a hazard's fixer and its acceptor must not be
-- linked through it (hazard.Accept), unless the issuer is the enterprise's admin account, the enterprise's
-- root of trust (it issues every post user's first password and holds every code anyway).
ALTER TABLE users ADD COLUMN credentials_by BIGINT REFERENCES users (id);
