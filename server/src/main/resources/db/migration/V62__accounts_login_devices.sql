-- Devices and networks an account logged in from (issue 16: notice of a login from a new device or network).
-- A "device" is the pair (client network — IPv4 /24 or IPv6 /48 — and the user agent's browser and system family,
-- without versions), kept only as a keyed hash (HMAC under a deployment secret, bound to the account): the raw
-- address and user agent are never stored here. Rows unused for 180 days are purged, so a device not seen for that
-- long counts as new again.
create table login_device (
    owner_id        uuid not null references account (id) on delete cascade,
    device          bytea not null,
    first_login_at  timestamptz not null,
    last_login_at   timestamptz not null,
    primary key (owner_id, device)
);
create index login_device_last_login on login_device (last_login_at);
