-- Issue 16 (ASVS V6.1.2): an annotation's kind (meal, illness, sensor error, ...) and why a sensor session ended were
-- the last health facts of a person stored in clear. The plain values are set aside here (keyed by owner_id first);
-- the server re-stores them encrypted with the owner's key when it starts (Annotations.encryptPlainKinds,
-- Sensors.encryptPlainEndReasons) and then drops the aside tables. No query filters on either column.
create table glucose_annotation_plain_v73 (
    owner_id uuid not null,
    id       uuid not null,
    kind     text not null,
    primary key (owner_id, id)
);
insert into glucose_annotation_plain_v73 (owner_id, id, kind) select owner_id, id, kind from glucose_annotation;
alter table glucose_annotation drop column kind, add column kind_enc bytea;

create table sensor_session_plain_v73 (
    owner_id   uuid not null,
    id         uuid not null,
    end_reason text not null,
    primary key (owner_id, id)
);
insert into sensor_session_plain_v73 (owner_id, id, end_reason)
    select owner_id, id, end_reason from sensor_session where end_reason is not null;
alter table sensor_session drop column end_reason, add column end_reason_enc bytea;
