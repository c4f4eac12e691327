-- Human review of automated decisions (PR-72). Each review ticket has one row: a reference to the automated
-- decision it reviews (its kind, time and rule version, and the rule with its inputs as the person saw it) and,
-- once a support agent decided, the human outcome — upheld or overturned — with the agent's reason (encrypted under
-- the owner's key), who decided and when. Deleted with the ticket.
create table support_review (
    owner_id      uuid not null references account (id) on delete cascade,
    ticket_id     uuid not null,
    decision_kind text,
    decision_at   timestamptz,
    rule_version  text,
    summary       text,
    outcome       text check (outcome in ('upheld', 'overturned')),
    reason_enc    bytea,
    agent_id      uuid references account (id) on delete set null,
    decided_at    timestamptz,
    primary key (owner_id, ticket_id),
    foreign key (owner_id, ticket_id) references support_ticket (owner_id, id) on delete cascade,
    check ((outcome is null) = (decided_at is null)),
    check ((outcome is null) = (reason_enc is null))
);

-- Review tickets opened before this table: reviewable, without a reference to the decision.
insert into support_review (owner_id, ticket_id)
select owner_id, id from support_ticket where category = 'review';
