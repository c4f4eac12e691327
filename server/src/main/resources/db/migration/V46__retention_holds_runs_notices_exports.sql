-- Retention (PR-54, PR-81, PR-30, PR-35).

-- Legal holds: data a legal obligation requires to keep beyond its retention period, for one person or one whole
-- category, with the basis and an expiry of at most three years (renewed by setting a new hold after a review). The
-- person is named by id without a foreign key: a hold must outlive nothing, and it ends at its expiry at the latest.
create table legal_hold (
    id          uuid primary key,
    person_id   uuid,
    category    text,
    basis       text not null check (length(basis) between 1 and 1000),
    set_by      text not null check (length(set_by) between 1 and 200),
    created_at  timestamptz not null,
    expires_at  timestamptz not null check (expires_at > created_at),
    released_at timestamptz,
    check (person_id is not null or category is not null)
);
create index legal_hold_in_force on legal_hold (expires_at) where released_at is null;

-- Each run of the retention job: counts per category, the cutoffs, the oldest row kept; for operators.
create table retention_run (
    id      uuid primary key,
    ran_at  timestamptz not null,
    report  jsonb not null
);
create index retention_run_at on retention_run (ran_at);

-- Inactive accounts (A-02): the notice sent, and when the account is erased unless its owner comes back.
create table inactivity_notice (
    owner_id     uuid primary key references account (id) on delete cascade,
    noticed_at   timestamptz not null,
    erase_after  timestamptz not null
);

-- The register of research exports (PR-35): who asked, for which study under which ethics approval, what went out.
-- No person is named: only counts.
create table research_export (
    id              uuid primary key,
    at              timestamptz not null,
    study_id        text not null check (length(study_id) between 1 and 200),
    ethics_ref      text not null check (length(ethics_ref) between 1 and 200),
    requested_by    text not null check (length(requested_by) between 1 and 200),
    k               integer not null check (k >= 5),
    subjects        integer not null,
    suppressed      integer not null,
    classification  text not null check (classification in ('anonymised', 'not-anonymised')),
    sha256          text not null
);
