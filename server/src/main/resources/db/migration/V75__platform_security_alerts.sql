-- Security alerting (issue 16, ASVS V11.1.8; platform.security.SecurityAlerts): the security events of every node
-- counted by kind in buckets of a tenth of the alert's window (kinds and counts only: no person, address or id), and
-- the last alert per kind, claimed by one conditional statement so that one node sends it once per window.
create table security_event_count (
    kind    text not null,
    bucket  timestamptz not null,
    events  bigint not null,
    primary key (kind, bucket)
);
create index security_event_count_bucket on security_event_count (bucket);

create table security_alert (
    kind     text primary key,
    sent_at  timestamptz not null,
    events   bigint not null
);
