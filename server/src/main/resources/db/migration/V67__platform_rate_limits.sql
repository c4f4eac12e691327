-- The platform's request limits (issue 16; platform.security.RateLimits): fixed windows counted here so that every
-- server node counts the same requests. The bucket is a keyed pseudonym of the limit and of the credential, account
-- or client address counted (never an id or an address in clear); windows are deleted once over.
create table rate_limit_window (
    bucket        bytea not null,
    window_start  timestamptz not null,
    expires_at    timestamptz not null,
    hits          integer not null,
    primary key (bucket, window_start)
);
create index rate_limit_window_expires on rate_limit_window (expires_at);
