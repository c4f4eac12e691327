package org.mqcgm.server.transparency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;
import org.mqcgm.server.platform.transparency.ControllerContact;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * Builds the record of processing (PR-02) from the same sources the code enforces: the purpose registry
 * ({@link Purpose}: legal basis, categories — {@code PurposeGuard} refuses reads outside them), the declaration of
 * every persisted column ({@link ColumnDeclarations}, checked against the schema by a test), the recipient registry
 * and the retention schedule (ports). Built once at start: none of its sources changes while the server runs.
 */
final class ProcessingRecord {

    private final TransparencyViews.Record record;
    private final ObjectNode json;

    ProcessingRecord(List<ColumnDeclarations.Column> columns,
                     Function<Purpose, List<TransparencyFeature.Recipient>> recipients,
                     Function<String, String> retention, ControllerContact contact, ObjectMapper mapper) {
        Map<String, List<TransparencyViews.ColumnEntry>> byTable = new LinkedHashMap<>();
        for (ColumnDeclarations.Column c : columns.stream()
                .sorted(java.util.Comparator.comparing(ColumnDeclarations.Column::table)).toList()) {
            byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(new TransparencyViews.ColumnEntry(
                    c.column(), c.category().orElse(null), c.purposes(),
                    c.category().map(k -> retention.apply(k.code())).orElse(null)));
        }
        List<TransparencyViews.TableEntry> tables = byTable.entrySet().stream()
                .map(e -> new TransparencyViews.TableEntry(e.getKey(), List.copyOf(e.getValue()))).toList();
        List<TransparencyViews.PurposeEntry> purposes = Arrays.stream(Purpose.values()).map(p ->
                new TransparencyViews.PurposeEntry(p,
                        p.categories().stream().map(k -> new TransparencyViews.Retention(k, retention.apply(k.code()),
                                retention.apply(k.code()).equals(RetentionDefaults.of(k.code())))).toList(),
                        List.copyOf(recipients.apply(p)),
                        tables.stream().filter(t -> t.columns().stream().anyMatch(c -> c.purposes().contains(p)))
                                .map(TransparencyViews.TableEntry::table).toList())).toList();
        this.record = new TransparencyViews.Record(purposes, tables);
        this.json = toJson(record, contact, mapper);
    }

    TransparencyViews.Record record() {
        return record;
    }

    ObjectNode json() {
        return json;
    }

    private static ObjectNode toJson(TransparencyViews.Record record, ControllerContact contact, ObjectMapper mapper) {
        Messages en = Messages.of(Language.EN);
        ObjectNode root = mapper.createObjectNode();
        root.put("description", "The record of processing of this deployment, generated from the purpose registry"
                + " the server enforces and the declaration of every persisted column (PR-02).");
        ObjectNode controller = root.putObject("controller");
        controller.put("name", contact.name());
        controller.put("email", contact.email());
        controller.put("phone", contact.phone());
        controller.put("address", contact.address());
        controller.put("dataProtectionTeam", contact.dpoTeam());
        controller.put("dataProtectionEmail", contact.dpoEmail());
        ArrayNode purposes = root.putArray("purposes");
        for (TransparencyViews.PurposeEntry e : record.purposes()) {
            Purpose p = e.purpose();
            ObjectNode o = purposes.addObject();
            o.put("id", p.id());
            o.put("name", en.t(p.nameKey()));
            o.put("description", en.t(p.whatKey()));
            o.put("legalBasis", p.basis().id());
            o.put("legalBasisClause", p.basis().clause());
            o.put("withoutConsent", p.basis().withoutConsent());
            o.put("available", p.available());
            p.partOf().ifPresentOrElse(q -> o.put("partOf", q.id()), () -> o.putNull("partOf"));
            ArrayNode cats = o.putArray("categories");
            e.retention().forEach(r -> cats.add(r.category().code()));
            ArrayNode recipients = o.putArray("recipients");
            for (TransparencyFeature.Recipient r : e.recipients()) {
                ObjectNode ro = recipients.addObject();
                ro.put("id", r.id());
                ro.put("name", r.name());
                ro.put("role", r.role());
                ro.put("country", r.country());
            }
            ArrayNode retention = o.putArray("retention");
            e.retention().forEach(r -> retention.addObject().put("category", r.category().code())
                    .put("retention", r.retention()));
            ArrayNode tables = o.putArray("tables");
            e.tables().forEach(tables::add);
        }
        ArrayNode categories = root.putArray("categories");
        for (DataCategory c : DataCategory.values()) {
            ObjectNode o = categories.addObject();
            o.put("code", c.code());
            o.put("name", en.t(c.nameKey()));
            ArrayNode by = o.putArray("purposes");
            Arrays.stream(Purpose.values()).filter(p -> p.covers(c)).forEach(p -> by.add(p.id()));
        }
        ArrayNode tables = root.putArray("tables");
        for (TransparencyViews.TableEntry t : record.tables()) {
            ObjectNode to = tables.addObject();
            to.put("table", t.table());
            to.put("personal", t.personal());
            ArrayNode cols = to.putArray("columns");
            for (TransparencyViews.ColumnEntry c : t.columns()) {
                ObjectNode co = cols.addObject();
                co.put("column", c.column());
                co.put("personal", c.personal());
                if (c.personal()) {
                    co.put("category", c.category().code());
                } else {
                    co.putNull("category");
                }
                ArrayNode ps = co.putArray("purposes");
                ArrayNode bases = co.putArray("legalBasis");
                for (Purpose p : c.purposes()) {
                    ps.add(p.id());
                    if (!containsText(bases, p.basis().id())) {
                        bases.add(p.basis().id());
                    }
                }
                co.put("retention", c.retention());
            }
        }
        return root;
    }

    private static boolean containsText(ArrayNode a, String v) {
        for (var n : a) {
            if (n.asText().equals(v)) {
                return true;
            }
        }
        return false;
    }
}
