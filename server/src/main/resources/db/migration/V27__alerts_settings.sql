-- A wearer's alert rules (issue 13): thresholds, rates, horizons, quiet hours and which kinds are on, as JSON
-- encrypted under the wearer's key (they describe the wearer's targets). No row: the defaults.
create table alert_settings (
    owner_id    uuid not null references account (id) on delete cascade,
    settings    bytea not null,
    updated_at  timestamptz not null,
    primary key (owner_id)
);
