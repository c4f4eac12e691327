-- Failed logins, counted per account and client network so that an attacker's failures lock out only the
-- attacker's network (issue 10). The subject is a keyed hash of the account id — or of the identifier typed when
-- no account has it, so unknown and known logins are counted and answered alike; the client is a keyed hash of
-- its address (IPv6: its /64). No address is stored in clear. Rows older than a day are purged.
create table login_failure (
    subject  bytea not null,
    client   bytea not null,
    id       uuid not null,
    at       timestamptz not null,
    primary key (subject, at, id)
);
create index login_failure_client on login_failure (subject, client, at);

-- Client networks (keyed hashes) an account logged in from successfully: the owner's known places, exempt from
-- the per-account ceiling that slows guessing spread over many networks. Forgotten after 30 days without a login.
create table login_known_client (
    owner_id       uuid not null references account (id) on delete cascade,
    client         bytea not null,
    last_login_at  timestamptz not null,
    primary key (owner_id, client)
);

-- Two-factor enrolment keeps the active secret until the new one is confirmed with a code: the secret being set up
-- waits in its own column (encrypted with the owner's key, like the active one). Enrolments pending before this
-- version move there.
alter table account add column totp_pending_enc bytea;
update account set totp_pending_enc = totp_secret_enc, totp_secret_enc = null, totp_last_step = null
    where totp_secret_enc is not null and totp_enabled_at is null;
