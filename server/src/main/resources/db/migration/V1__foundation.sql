-- Foundation schema. Every user-owned table carries owner_id (= account.id) and has it first in its primary key,
-- so the schema can later be distributed by owner (Citus) and a user's rows are found and deleted together.

create table account (
    id             uuid primary key,
    -- HMAC-SHA256 of the normalised e-mail under a deployment secret: lets login find the account without the
    -- e-mail in clear (PR-10). The e-mail itself is encrypted with the user's data key.
    email_index    bytea not null unique,
    email_enc      bytea not null,
    password_hash  text not null,
    time_zone      text not null default 'UTC',
    glucose_unit   text not null default 'mg/dL' check (glucose_unit in ('mg/dL', 'mmol/L')),
    locale         text not null default 'en' check (locale in ('en', 'zh-CN')),
    status         text not null default 'active' check (status in ('active', 'locked', 'cancelled')),
    created_at     timestamptz not null default now()
);

create table account_role (
    owner_id  uuid not null references account (id) on delete cascade,
    role      text not null check (role in ('user', 'guardian', 'follower', 'support', 'admin')),
    primary key (owner_id, role)
);

-- One AES-256-GCM keyset per user, wrapped by the master key (associated data = owner id). Deleting the row
-- shreds every ciphertext written for that user, including copies in backups.
create table user_key (
    owner_id        uuid primary key references account (id) on delete cascade deferrable initially deferred,
    wrapped_keyset  bytea not null,
    created_at      timestamptz not null default now()
);

-- Deployment-wide secrets (wrapped by the master key), e.g. the root of the blind-index HMAC keys.
create table deployment_secret (
    name     text primary key,
    wrapped  bytea not null
);

-- Web sessions. The cookie holds the owner id and a random secret; only a SHA-256 of the cookie is stored.
create table web_session (
    owner_id      uuid not null references account (id) on delete cascade,
    token_hash    bytea not null,
    created_at    timestamptz not null,
    last_seen_at  timestamptz not null,
    expires_at    timestamptz not null,
    primary key (owner_id, token_hash)
);

-- API tokens for apps, uploaders and the collector. Only a SHA-256 of the token is stored.
create table api_token (
    owner_id      uuid not null references account (id) on delete cascade,
    id            uuid not null,
    token_hash    bytea not null,
    name          text not null,
    scopes        text[] not null,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    primary key (owner_id, id),
    unique (owner_id, token_hash)
);

-- Sensor glucose readings: UTC instant, the wearer's UTC offset at that instant, integer mg/dL.
create table glucose_reading (
    owner_id        uuid not null references account (id) on delete cascade,
    time            timestamptz not null,
    utc_offset_min  smallint not null check (utc_offset_min between -1080 and 1080),
    mgdl            smallint not null check (mgdl between 20 and 600),
    primary key (owner_id, time)
);
