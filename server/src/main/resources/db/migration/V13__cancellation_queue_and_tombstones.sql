-- Account cancellation (issue 11, PR-68, PR-87, PR-88).
--
-- A cancellation waits here from the moment the owner (or an operator on their behalf) confirmed it until the
-- cancellation job erases the account, at most 24 hours later. The row references the account on delete cascade,
-- so erasing the account removes it in the same transaction.
create table account_cancellation (
    owner_id     uuid primary key references account (id) on delete cascade,
    requested_at timestamptz not null,
    complete_by  timestamptz not null,
    channel      text not null check (channel in ('self', 'operator')),
    reason       text check (char_length(reason) <= 500)
);

create index account_cancellation_due on account_cancellation (requested_at);

-- What remains of an erased account: a random id that is NOT the account id (nothing links it to the person) and
-- the day of erasure — enough to count erasures, nothing to identify anyone.
create table cancellation_tombstone (
    id          uuid primary key,
    erased_on   date not null
);
