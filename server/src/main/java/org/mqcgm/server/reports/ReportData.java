package org.mqcgm.server.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/** The log of reports made for a person (derived data), for "My data" and the export (PR-60, PR-70). */
final class ReportData implements PersonalData {

    private final Jdbi jdbi;
    private final ObjectMapper mapper;

    ReportData(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.mapper = mapper;
    }

    @Override
    public List<Category> categories(UUID owner) {
        long n = jdbi.withHandle(h -> h.createQuery("select count(*) from report_log where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
        return List.of(new Category("reports", n,
                "explaining and reproducing the reports made for you (period, algorithm version; no glucose values)",
                "the server, each time a report is made", "this server's PostgreSQL database"));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery("""
                        select id, created_at, format, period_from, period_to, time_zone, population, readings,
                               algorithm_version, report_version
                        from report_log where owner_id = :o order by created_at, id""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject("id", UUID.class).toString());
                    m.put("created", rs.getObject("created_at", OffsetDateTime.class).toInstant().toString());
                    m.put("format", rs.getString("format"));
                    m.put("from", rs.getObject("period_from", OffsetDateTime.class).toInstant().toString());
                    m.put("to", rs.getObject("period_to", OffsetDateTime.class).toInstant().toString());
                    m.put("timeZone", rs.getString("time_zone"));
                    m.put("population", rs.getString("population"));
                    m.put("readings", rs.getInt("readings"));
                    m.put("algorithmVersion", rs.getString("algorithm_version"));
                    m.put("reportVersion", rs.getString("report_version"));
                    return m;
                }).list());
        archive.json(mapper, "reports.json", "The reports made for you (web page, JSON, PDF): when, "
                + "which period and time zone, which targets (population), how many readings went in, and the "
                + "algorithm and report versions. No glucose values. JSON array.", rows);
    }
}
