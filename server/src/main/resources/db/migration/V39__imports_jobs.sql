-- File imports (issue 14): an uploaded export (Clarity, LibreView, Nightscout, Tidepool) waits here between its
-- preview and the commit. The file and the preview (which names rows and may quote glucose limits) are encrypted
-- with the owner's data key, bound to the row; only the status, progress, format and times are in clear. A row
-- expires an hour after the upload and the purge job deletes it (the file is dropped at once after a commit).
create table import_job (
    owner_id    uuid not null references account (id) on delete cascade,
    id          uuid not null,
    format      text not null check (format in ('clarity', 'libreview', 'nightscout', 'tidepool')),
    status      text not null check (status in ('preview', 'importing', 'done', 'failed')),
    progress    smallint not null default 0 check (progress between 0 and 100),
    file_enc    bytea,
    preview_enc bytea not null,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    primary key (owner_id, id)
);
create index import_job_expiring on import_job (expires_at);
