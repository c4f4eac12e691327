-- Customer service (PR-22, PR-23, PR-59, PR-72): tickets with threaded messages and image attachments, and the
-- time-boxed grants a support agent asks for on a ticket. Subjects, messages and attachments are encrypted under the
-- owner's key. A closed ticket's content is deleted two years after it was closed; what is kept of it then is the
-- anonymised row of support_ticket_archive (no owner, no text).
create table support_ticket (
    owner_id    uuid not null references account (id) on delete cascade,
    id          uuid not null unique,
    number      bigint generated always as identity unique,
    category    text not null check (category in ('question', 'compromise', 'review')),
    priority    text not null check (priority in ('P1', 'P2', 'P3')),
    status      text not null check (status in ('open', 'waiting-for-user', 'closed')),
    subject_enc bytea not null,
    opened_at   timestamptz not null,
    due_at      timestamptz not null,
    updated_at  timestamptz not null,
    closed_at   timestamptz,
    primary key (owner_id, id),
    check ((status = 'closed') = (closed_at is not null))
);

create index support_ticket_queue on support_ticket (priority, opened_at) where status <> 'closed';
create index support_ticket_closed on support_ticket (closed_at) where status = 'closed';

create table support_message (
    owner_id   uuid not null references account (id) on delete cascade,
    ticket_id  uuid not null,
    id         uuid not null,
    seq        bigint generated always as identity,
    at         timestamptz not null,
    author     text not null check (author in ('user', 'agent')),
    agent_id   uuid references account (id) on delete set null,
    body_enc   bytea not null,
    primary key (owner_id, ticket_id, id),
    foreign key (owner_id, ticket_id) references support_ticket (owner_id, id) on delete cascade
);

-- An image attached to a message: re-encoded by the photo pipeline (recognised by content, no metadata), stored
-- here encrypted; removed 30 days after upload.
create table support_attachment (
    owner_id     uuid not null references account (id) on delete cascade,
    ticket_id    uuid not null,
    id           uuid not null unique,
    message_id   uuid not null,
    uploaded_at  timestamptz not null,
    content_type text not null,
    bytes_enc    bytea not null,
    primary key (owner_id, ticket_id, id),
    foreign key (owner_id, ticket_id, message_id) references support_message (owner_id, ticket_id, id)
        on delete cascade
);

create index support_attachment_age on support_attachment (uploaded_at);

create table support_grant (
    owner_id     uuid not null references account (id) on delete cascade,
    id           uuid not null unique,
    ticket_id    uuid not null,
    agent_id     uuid not null references account (id) on delete cascade,
    scopes       text[] not null,
    hours        int not null check (hours between 1 and 72),
    state        text not null check (state in ('requested', 'approved', 'refused')),
    requested_at timestamptz not null,
    decided_at   timestamptz,
    expires_at   timestamptz,
    primary key (owner_id, id),
    foreign key (owner_id, ticket_id) references support_ticket (owner_id, id) on delete cascade
);

-- Every read of the owner's data under a grant, listed to the owner ("Who saw my data", the ticket page).
create table support_grant_read (
    owner_id uuid not null references account (id) on delete cascade,
    grant_id uuid not null,
    at       timestamptz not null,
    what     text not null,
    primary key (owner_id, grant_id, at, what),
    foreign key (owner_id, grant_id) references support_grant (owner_id, id) on delete cascade
);

create table support_ticket_archive (
    category  text not null,
    priority  text not null,
    opened_on date not null,
    closed_on date not null
);
