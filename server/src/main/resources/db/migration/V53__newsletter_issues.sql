-- Newsletter issues an operator queued with 'mqcgm admin newsletter send FILE' (issue 15, PR-38/PR-39). Not
-- personal data: the text of the issue and how many people it went to. Who received it is not recorded, and no
-- opens or clicks are tracked; the recipients are decided at sending time by the consent ledger (purpose
-- 'newsletter', opt-in).
create table newsletter_issue (
    id         uuid primary key,
    subject    text        not null check (length(subject) between 1 and 200),
    body       text        not null check (length(body) between 1 and 100000),
    queued_at  timestamptz not null,
    sent_at    timestamptz,
    recipients integer check (recipients >= 0)
);
create index newsletter_issue_unsent on newsletter_issue (queued_at) where sent_at is null;
