-- Which minor policy version's notice a person has been shown (issue 15, PR-36/PR-40): remembered for the account
-- instead of in a browser cookie, so the notice is shown once per person whatever their cookie settings, and the
-- site sets no cookie that is neither strictly necessary nor a preference the visitor chose.
create table policy_notice_seen (
    owner_id uuid primary key references account (id) on delete cascade,
    version  integer not null check (version > 0),
    seen_at  timestamptz not null
);
