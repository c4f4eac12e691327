-- Reads of personal data refused because their purpose is not registered for the data's category (PR-03,
-- platform.transparency.PurposeGuard): a security event about the person whose data it was. No data is kept, only
-- the purpose, the category (a code of the requirements' category table) and the operation that asked.
create table purpose_violation (
    owner_id  uuid        not null references account (id) on delete cascade,
    id        uuid        not null,
    at        timestamptz not null,
    purpose   text        not null,
    category  text        not null check (category ~ '^[A-Z]{2,4}$'),
    operation text        not null,
    primary key (owner_id, id)
);

create index purpose_violation_at on purpose_violation (at);
