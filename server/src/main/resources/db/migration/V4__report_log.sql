-- Reports (issue 6). Every report the server produces (JSON, web page, PDF) is recorded with the version of the
-- algorithms that computed it (PR-20) and a summary of its inputs, so a result can later be explained and
-- reproduced (PR-72). No glucose values are stored here: only the period, the population whose targets were
-- applied, how many readings went in, and the algorithm version.
create table report_log (
    owner_id           uuid not null references account (id) on delete cascade,
    id                 uuid not null,
    created_at         timestamptz not null default now(),
    format             text not null check (format in ('json', 'html', 'pdf')),
    period_from        timestamptz not null,
    period_to          timestamptz not null,
    time_zone          text not null,
    population         text not null,
    readings           integer not null,
    algorithm_version  text not null,
    report_version     text not null,
    primary key (owner_id, id)
);
