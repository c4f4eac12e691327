-- Photos people upload (a meal in the logbook, a picture in a community post): two renditions per photo (the full
-- image, at most 2,048 px, and a 320 px thumbnail), both re-encoded without metadata and encrypted under the
-- owner's key (the context names the rendition and the photo id, so a rendition cannot be moved to another row or
-- column). A photo is attached to what uses it ('checkin' or 'post'); one never attached is deleted a day after
-- its upload. Width, height and type are kept in clear: they say nothing about the person.
create table photo (
    owner_id      uuid not null references account (id) on delete cascade,
    id            uuid not null,
    uploaded_at   timestamptz not null,
    usage         text check (usage in ('checkin', 'post')),
    attached_at   timestamptz,
    content_type  text not null check (content_type in ('image/jpeg', 'image/png')),
    width         integer not null check (width between 1 and 2048),
    height        integer not null check (height between 1 and 2048),
    full_image    bytea not null,
    thumb_image   bytea not null,
    primary key (owner_id, id),
    check ((usage is null) = (attached_at is null))
);

create index photo_unattached on photo (uploaded_at) where usage is null;
