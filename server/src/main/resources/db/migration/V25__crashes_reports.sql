-- Crash reports of the web app and the collector (PR-50), first-party, no third-party SDK. Scrubbed before they are
-- stored (no glucose values, e-mails, phone numbers, tokens, ids or URL queries) and tied to a random install id
-- the app chose, never to an account: these tables have no owner. Kept 90 days, then purged by a daily job.
create table crash_group (
    signature   text primary key,
    source      text not null,
    kind        text not null,
    first_seen  timestamptz not null,
    last_seen   timestamptz not null
);

create table crash_report (
    signature   text not null references crash_group (signature) on delete cascade,
    id          uuid not null,
    received_at timestamptz not null,
    install_id  uuid not null,
    app_version text not null,
    platform    text not null,
    message     text not null,
    stack       text not null,
    primary key (signature, id)
);

create index crash_report_received on crash_report (received_at);
