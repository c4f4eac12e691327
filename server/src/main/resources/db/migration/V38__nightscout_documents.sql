-- Nightscout documents other than our glucose readings: treatments, devicestatus, profile, food, settings and
-- non-sgv entries (mbg, cal, …). The whole JSON document is encrypted with the owner's key (doc_enc, associated data
-- bound to the owner, collection and id); nothing else holds a glucose value, a note or free text. Client-given
-- identifiers and the dedupe fields (eventType, device, type) are kept only as keyed hashes (HMAC under the
-- deployment secret, with the owner in the hashed value).
create table nightscout_document (
    owner_id        uuid   not null references account (id) on delete cascade,
    collection      text   not null
        check (collection in ('entries', 'treatments', 'devicestatus', 'profile', 'food', 'settings')),
    -- Nightscout _id: 24 lower-case hex (4 bytes of seconds + random), like a Mongo ObjectId
    id              text   not null check (id ~ '^[0-9a-f]{24}$'),
    -- HMAC of the v3 identifier (the client's identifier, the computed UUID v5, or the _id of a v1 document)
    identifier_key  bytea  not null,
    -- the collection's time field as epoch ms: entries date, treatments/devicestatus/food/settings created_at,
    -- profile startDate; ordering and the pushed-down time range of queries
    time_ms         bigint not null,
    srv_created     bigint not null,
    srv_modified    bigint not null,
    is_valid        boolean not null default true,
    -- HMAC of the collection's dedupe fields ({time, type}, {time, eventType}, {time, device}, {time})
    dedupe_key      bytea  not null,
    doc_enc         bytea  not null,
    primary key (owner_id, collection, id)
);

create index nightscout_document_time on nightscout_document (owner_id, collection, time_ms);
create index nightscout_document_identifier on nightscout_document (owner_id, collection, identifier_key);
create index nightscout_document_dedupe on nightscout_document (owner_id, collection, dedupe_key);
create index nightscout_document_modified on nightscout_document (owner_id, collection, srv_modified);
