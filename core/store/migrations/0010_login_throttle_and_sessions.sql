-- Sign-in throttling keyed on (account, client), and server-side sign-in sessions.
--
-- login_throttle holds one row per account and client address, plus one row per account with
-- client '' that counts every client together (the account-wide ceiling). A guess is reserved
-- (pending + 1) before its password is checked and settled after, in separate transactions,
-- so a burst of parallel guesses can never exceed the limit. The lock used to live on
-- app_user (failed_logins, locked_until); those two columns are no longer read or written.
CREATE TABLE login_throttle (
    user_id      BIGINT NOT NULL,
    client       VARCHAR NOT NULL,
    window_start TIMESTAMP NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    pending      INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    PRIMARY KEY (user_id, client)
);

-- One row per sign-in; the browser's cookie carries the token, the table only its SHA-256.
-- Signing out ends the row, so every tab that shares the cookie is signed out on its next run.
CREATE TABLE login_session (
    token_hash VARCHAR PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP
);
