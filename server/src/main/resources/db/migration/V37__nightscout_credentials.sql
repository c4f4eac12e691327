-- Nightscout clients' credentials (issue 14): one per client (xDrip+, Loop, Trio, AAPS, a follower), each of one
-- wearer. Nothing here lets anyone in: the secret and the role token are kept only as SHA-256 digests of what clients
-- send (the SHA-1 or SHA-512 hex of the secret in `api-secret`, the token itself or its SHA-1 hex), so a copy of the
-- table is no credential. Lookups come by digest from any wearer (a Nightscout request names no account), so the
-- digests have global unique indexes; under Citus this table is a reference table (it holds no health data).
create table nightscout_credential (
    owner_id      uuid        not null references account (id) on delete cascade,
    id            uuid        not null,
    name          text        not null check (length(name) between 1 and 60),
    access        text        not null check (access in ('read', 'readwrite')),
    site          text        not null unique check (site ~ '^[a-z2-7]{12}$'),
    secret_sha1   bytea       not null unique,
    secret_sha512 bytea       not null unique,
    token_digest  bytea       not null unique,
    token_sha1    bytea       not null unique,
    created_at    timestamptz not null,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    primary key (owner_id, id)
);
