-- Which logbook check-ins a Nightscout treatment became (issue 14: treatments map to the logbook where a kind
-- exists): a treatment with carbs is a meal, with insulin an insulin entry, a BG Check a fingerstick, an Exercise an
-- exercise, a Note a note. Ids only; the content is in the (encrypted) treatment and check-ins.
create table nightscout_checkin_link (
    owner_id   uuid not null references account (id) on delete cascade,
    doc_id     text not null check (doc_id ~ '^[0-9a-f]{24}$'),
    checkin_id uuid not null,
    primary key (owner_id, doc_id, checkin_id)
);
create index nightscout_checkin_link_checkin on nightscout_checkin_link (owner_id, checkin_id);
