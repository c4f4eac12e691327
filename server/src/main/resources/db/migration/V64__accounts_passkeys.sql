-- WebAuthn passkeys (issue 16): a second factor next to TOTP and a passwordless login.

-- The WebAuthn user handle of an account: random (never the account id), one per account so that an
-- authenticator replaces rather than duplicates the account's passkey; a passwordless login finds the account by it.
create table passkey_user (
    owner_id    uuid primary key references account (id) on delete cascade,
    user_handle bytea not null unique
);

-- One registered passkey: the attested credential data (AAGUID, credential id, COSE public key) and the last
-- signature counter; the name the person gave it is encrypted with their key. Nothing health-related.
create table passkey (
    owner_id          uuid not null references account (id) on delete cascade,
    id                uuid not null,
    credential_id     bytea not null unique,
    credential_data   bytea not null,
    sign_count        bigint not null,
    uv_initialized    boolean not null,
    backup_eligible   boolean not null,
    backup_state      boolean not null,
    transports        text not null,
    name_enc          bytea not null,
    created_at        timestamptz not null,
    last_used_at      timestamptz,
    primary key (owner_id, id)
);

-- A ceremony's challenge, single use and short-lived: registration and second factor know the account, a
-- passwordless login does not (owner_id null until the assertion names it).
create table passkey_challenge (
    challenge_hash bytea primary key,
    purpose        text not null check (purpose in ('register', 'second-factor', 'login')),
    owner_id       uuid references account (id) on delete cascade,
    expires_at     timestamptz not null
);
create index passkey_challenge_expires on passkey_challenge (expires_at);
