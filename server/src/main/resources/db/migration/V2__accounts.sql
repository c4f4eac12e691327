-- Accounts: sign-up by e-mail or mobile number with a verification code, two-factor authentication,
-- password retrieval, devices and push aliases, security activity.

-- A mobile number (E.164) is an alternative login identifier; like the e-mail it is stored encrypted with the
-- owner's key plus a blind index for lookups (PR-10). Every account has at least one of the two.
alter table account
    alter column email_index drop not null,
    alter column email_enc drop not null,
    add column phone_index bytea unique,
    add column phone_enc bytea,
    add column password_changed_at timestamptz,
    add column must_reset_password boolean not null default false,
    add column totp_secret_enc bytea,
    add column totp_enabled_at timestamptz,
    add column totp_last_step bigint,
    add column locked_until timestamptz,
    add constraint account_has_identifier check (email_index is not null or phone_index is not null);

-- Sign-ups waiting for their verification code. Not yet accounts: the identifier is encrypted with a deployment
-- key (the user has no key yet). Rows die with their code (10 minutes) and are purged by a job.
create table registration (
    id                uuid primary key,
    identifier_index  bytea not null,
    identifier_enc    bytea not null,
    channel           text not null check (channel in ('email', 'sms')),
    code_hash         bytea not null,
    password_hash     text not null,
    time_zone         text not null,
    locale            text not null,
    attempts          int not null default 0,
    created_at        timestamptz not null,
    expires_at        timestamptz not null,
    consumed_at       timestamptz
);
create index registration_identifier on registration (identifier_index);

-- One-time codes of an existing account: password reset, identifier change. Stored as keyed hashes.
create table one_time_code (
    owner_id     uuid not null references account (id) on delete cascade,
    id           uuid not null,
    purpose      text not null check (purpose in ('password-reset', 'email-change', 'phone-change')),
    code_hash    bytea not null,
    link_hash    bytea,
    target_enc   bytea,
    attempts     int not null default 0,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    consumed_at  timestamptz,
    primary key (owner_id, id)
);

-- Two-factor recovery codes (hashed), each usable once.
create table recovery_code (
    owner_id   uuid not null references account (id) on delete cascade,
    code_hash  bytea not null,
    used_at    timestamptz,
    primary key (owner_id, code_hash)
);

-- A password was right and a second factor is awaited: a short-lived challenge carried in the 2FA form.
create table login_challenge (
    owner_id    uuid not null references account (id) on delete cascade,
    token_hash  bytea not null,
    attempts    int not null default 0,
    expires_at  timestamptz not null,
    primary key (owner_id, token_hash)
);

alter table web_session
    add column reauth_at timestamptz,
    add column user_agent text,
    add column ip_prefix text;

-- Phones, browsers and collectors of a user. No raw install id, Android ID or MAC address is ever stored: only
-- a keyed HMAC pseudonym salted with the owner id (PR-08, PR-11), from which a random push alias is issued
-- (PR-12). Platform facts are kept for compatibility and support only and purged 90 days after unlinking (PR-14).
create table device (
    owner_id      uuid not null references account (id) on delete cascade,
    id            uuid not null,
    device_key    bytea not null,
    platform      text not null,
    model         text not null,
    os_version    text not null,
    app_version   text not null,
    push_alias    uuid unique,
    token_id      uuid,
    created_at    timestamptz not null,
    last_seen_at  timestamptz not null,
    unlinked_at   timestamptz,
    primary key (owner_id, id),
    unique (owner_id, device_key)
);

-- What happened to an account's security, shown to the user ("Security activity"). IP addresses are kept
-- truncated (/24, /48).
create table security_event (
    owner_id   uuid not null references account (id) on delete cascade,
    id         uuid not null,
    at         timestamptz not null,
    kind       text not null,
    ip_prefix  text,
    user_agent text,
    detail     text,
    primary key (owner_id, at, id)
);

-- db-scheduler's table (jobs: purges, later compaction and retention), cluster-safe across server nodes.
create table scheduled_tasks (
    task_name             text not null,
    task_instance         text not null,
    task_data             bytea,
    execution_time        timestamptz not null,
    picked                boolean not null,
    picked_by             text,
    last_success          timestamptz,
    last_failure          timestamptz,
    consecutive_failures  int,
    last_heartbeat        timestamptz,
    version               bigint not null,
    priority              smallint,
    primary key (task_name, task_instance)
);
create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
