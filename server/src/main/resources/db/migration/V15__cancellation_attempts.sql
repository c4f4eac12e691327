-- Erasure attempts (issue 11 review): a cancellation whose erasure fails is counted and retried after the others,
-- so one account that cannot be erased never blocks everyone else's erasure.
--
-- last_error holds only the exception's class (and SQL state) — never a message, which could quote bound values.
alter table account_cancellation
    add column attempts        integer not null default 0 check (attempts >= 0),
    add column last_attempt_at timestamptz,
    add column last_error      text check (char_length(last_error) <= 300);

drop index account_cancellation_due;
create index account_cancellation_due on account_cancellation (attempts, requested_at);
