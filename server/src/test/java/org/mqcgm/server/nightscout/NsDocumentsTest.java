package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.nightscout.NsQuery.Collection;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.Json;
import org.mqcgm.server.testing.TestDatabase;
import org.mqcgm.testkit.MutableClock;

/** The Nightscout document store against a real PostgreSQL: v1 and v3 semantics, dedupe, encryption, bounds. */
class NsDocumentsTest {

    private static final ObjectMapper JSON = Json.newMapper();
    private static final Instant START = Instant.parse("2025-12-07T12:00:00Z");
    private static Database db;
    private static UserKeys keys;
    private static MutableClock clock;
    private static NsDocuments docs;
    private static Path keyDir;

    @BeforeAll
    static void start() throws Exception {
        db = Database.open(TestDatabase.fresh(), TestDatabase.user(), TestDatabase.password(), 3);
        keyDir = Files.createTempDirectory("ns-docs");
        MasterKey.generate(keyDir.resolve("master.key"));
        MasterKey master = MasterKey.load(keyDir.resolve("master.key"));
        keys = new UserKeys(db.jdbi(), master);
        clock = new MutableClock(START);
        docs = new NsDocuments(db.jdbi(), keys, DeploymentSecrets.loadOrCreate(db.jdbi(), master), JSON, clock);
    }

    @AfterAll
    static void stop() throws Exception {
        db.close();
        try (var files = Files.walk(keyDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void resetClock() {
        clock.set(START);
    }

    private static UUID newOwner() {
        UUID id = UUID.randomUUID();
        db.jdbi().useTransaction(h -> {
            h.createUpdate("insert into account (id, email_index, email_enc, password_hash) values (:id, :i, :e, 'x')")
                    .bind("id", id).bind("i", id.toString().getBytes(StandardCharsets.UTF_8))
                    .bind("e", new byte[] {1}).execute();
            keys.create(h, id);
        });
        return id;
    }

    private static ObjectNode doc(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
        }
        return out;
    }

    @Test
    void treatmentsAreNormalisedDedupedAndEchoedOncePerInput() {
        UUID owner = newOwner();
        List<ObjectNode> echoed = docs.v1Insert(owner, Collection.TREATMENTS, List.of(
                doc("{'eventType':'Meal Bolus','created_at':'2025-12-07T12:30:00.000+0100','carbs':'0','insulin':2.5}"),
                doc("{'eventType':'Note','notes':'Trio connected','enteredBy':'Trio'}"),
                doc("{'eventType':'Meal Bolus','created_at':'2025-12-07T11:30:00Z','carbs':30,'insulin':2.5,"
                        + "'syncIdentifier':'abc'}"),
                doc("{'eventType':'Site Change','eventTime':'2025-12-06T08:00:00Z','created_at':'x'}"),
                doc("{'eventType':'Exercise','created_at':'2025-12-07T10:00:00Z','utcOffset':480}"),
                doc("{'eventType':'Exercise','created_at':'2025-12-07T11:00:00+02:00','utcOffset':480}")));
        assertThat(echoed.get(4).get("utcOffset").asInt()).as("kept: a UTC created_at tells no offset").isEqualTo(480);
        assertThat(echoed.get(5).get("utcOffset").asInt()).as("the offset written in created_at wins").isEqualTo(120);
        assertThat(echoed).hasSize(6).allSatisfy(e -> assertThat(e.get("_id").asText()).matches("[0-9a-f]{24}"));
        // same {created_at, eventType} in one batch: the last wins, both inputs echoed with the same _id
        assertThat(echoed.get(0).get("_id")).isEqualTo(echoed.get(2).get("_id"));
        assertThat(echoed.get(0).get("created_at").asText()).isEqualTo("2025-12-07T11:30:00.000Z");
        assertThat(echoed.get(0).get("utcOffset").asInt()).isEqualTo(60);
        assertThat(echoed.get(0).get("carbs").isNumber()).as("coerced to a number, zero kept").isTrue();
        assertThat(echoed.get(0).get("carbs").asInt()).isZero();
        assertThat(echoed.get(1).get("created_at").asText()).isEqualTo("2025-12-07T12:00:00.000Z");
        assertThat(echoed.get(1).has("carbs")).as("no carbs:null injected").isFalse();
        assertThat(echoed.get(3).get("created_at").asText()).isEqualTo("2025-12-06T08:00:00.000Z");
        assertThat(echoed.get(3).has("eventTime")).isFalse();

        List<NsDocuments.Stored> all = docs.find(owner, Collection.TREATMENTS, NsQuery.all(Collection.TREATMENTS),
                100, 0);
        assertThat(all).extracting(s -> s.doc().get("eventType").asText())
                .containsExactly("Note", "Meal Bolus", "Exercise", "Exercise", "Site Change");
        assertThat(all.get(1).doc().get("carbs").asInt()).isEqualTo(30);
        assertThat(all.get(1).doc().get("syncIdentifier").asText()).isEqualTo("abc");
        docs.deleteById(owner, Collection.TREATMENTS, echoed.get(4).get("_id").asText());
        docs.deleteById(owner, Collection.TREATMENTS, echoed.get(5).get("_id").asText());

        // re-posting the Note with its _id replaces the whole document
        ObjectNode again = doc("{'eventType':'Note','notes':'edited','created_at':'2025-12-07T12:00:00Z'}");
        again.put("_id", echoed.get(1).get("_id").asText());
        docs.v1Insert(owner, Collection.TREATMENTS, List.of(again));
        assertThat(docs.byId(owner, Collection.TREATMENTS, echoed.get(1).get("_id").asText()).orElseThrow()
                .doc().get("notes").asText()).isEqualTo("edited");
        assertThat(docs.count(owner, Collection.TREATMENTS)).isEqualTo(3);
    }

    @Test
    void badTreatmentsStoreNothing() {
        UUID owner = newOwner();
        assertThatThrownBy(() -> docs.v1Insert(owner, Collection.TREATMENTS, List.of(
                doc("{'eventType':'Note'}"), doc("{'eventType':'Note','created_at':'yesterday'}"))))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("Treatments created_at must be an ISO-8601 date");
                });
        assertThatThrownBy(() -> docs.v1Insert(owner, Collection.TREATMENTS, List.of(
                doc("{'eventType':'Meal Bolus','carbs':'lots'}"))))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(docs.count(owner, Collection.TREATMENTS)).isZero();
    }

    @Test
    void xdripPutUpsertsByIdAndDeleteById() {
        UUID owner = newOwner();
        String id = "5f1e2d3c4b5a69788796a5b4";
        ObjectNode t = doc("{'_id':'" + id + "','eventType':'Snack Bolus','carbs':12,'uuid':'u-1',"
                + "'created_at':'2025-12-07T11:00:00.000Z'}");
        assertThat(docs.v1Put(owner, Collection.TREATMENTS, t).get("_id").asText()).isEqualTo(id);
        t.put("carbs", 15);
        docs.v1Put(owner, Collection.TREATMENTS, t);
        assertThat(docs.count(owner, Collection.TREATMENTS)).isEqualTo(1);
        NsQuery byUuid = NsQuery.v1(Collection.TREATMENTS, params("find[uuid]=u-1"));
        assertThat(docs.find(owner, Collection.TREATMENTS, byUuid, 10, 0)).singleElement()
                .satisfies(s -> assertThat(s.doc().get("carbs").asInt()).isEqualTo(15));
        assertThatThrownBy(() -> docs.v1Put(owner, Collection.TREATMENTS, doc("{'_id':'nope','eventType':'Note'}")))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> assertThat(e.getMessage())
                        .isEqualTo("Invalid _id format"));
        assertThat(docs.deleteById(owner, Collection.TREATMENTS, id)).isTrue();
        assertThat(docs.deleteById(owner, Collection.TREATMENTS, id)).isFalse();
        assertThat(docs.byId(owner, Collection.TREATMENTS, id)).isEmpty();
    }

    @Test
    void devicestatusAndProfileInsertWithoutDedupeAndCheckIds() {
        UUID owner = newOwner();
        ObjectNode battery = doc("{'device':'xDrip-phone','uploader':{'battery':80}}");
        List<ObjectNode> first = docs.v1Insert(owner, Collection.DEVICESTATUS, List.of(battery, battery));
        assertThat(first.get(0).get("_id")).isNotEqualTo(first.get(1).get("_id"));
        assertThat(first.get(0).get("created_at").asText()).isEqualTo("2025-12-07T12:00:00.000Z");
        assertThat(docs.count(owner, Collection.DEVICESTATUS)).isEqualTo(2);
        assertThatThrownBy(() -> docs.v1Insert(owner, Collection.DEVICESTATUS, List.of(doc("{'_id':'x1'}"))))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("Invalid _id format");
                });
        ObjectNode profile = doc("{'defaultProfile':'Default','startDate':'2025-12-01T00:00:00.000Z','store':{}}");
        docs.v1Insert(owner, Collection.PROFILE, List.of(profile, profile));
        List<NsDocuments.Stored> profiles = docs.find(owner, Collection.PROFILE, NsQuery.all(Collection.PROFILE), 10,
                0);
        assertThat(profiles).hasSize(2);
        assertThat(profiles.get(0).time()).isEqualTo(Instant.parse("2025-12-01T00:00:00Z").toEpochMilli());
        ObjectNode replaced = profiles.get(0).v1();
        replaced.put("defaultProfile", "Night");
        docs.v1Put(owner, Collection.PROFILE, replaced);
        assertThat(docs.byId(owner, Collection.PROFILE, profiles.get(0).id()).orElseThrow().doc()
                .get("defaultProfile").asText()).isEqualTo("Night");
    }

    @Test
    void nonSgvEntriesUpsertOnSysTimeAndType() {
        UUID owner = newOwner();
        List<ObjectNode> echoed = docs.v1Insert(owner, Collection.ENTRIES, List.of(
                doc("{'type':'mbg','mbg':'95','device':'xDrip','date':1765108800000,"
                        + "'dateString':'2025-12-07T13:00:00.000+0100'}"),
                doc("{'type':'cal','slope':1000,'intercept':'0','date':1765108800000}"),
                doc("{'type':'mbg','mbg':96,'date':1765108800000,'_id':'loop-sync-1'}")));
        assertThat(echoed.get(0).get("_id")).isEqualTo(echoed.get(2).get("_id"));
        assertThat(echoed.get(0).get("dateString").asText()).isEqualTo("2025-12-07T12:00:00.000Z");
        assertThat(echoed.get(0).get("utcOffset").asInt()).isEqualTo(60);
        List<NsDocuments.Stored> stored = docs.find(owner, Collection.ENTRIES,
                NsQuery.v1(Collection.ENTRIES, params("find[type]=mbg")), 10, 0);
        assertThat(stored).singleElement().satisfies(s -> {
            assertThat(s.doc().get("mbg").asInt()).isEqualTo(96);
            assertThat(s.doc().get("device").asText()).as("merged like $set").isEqualTo("xDrip");
            assertThat(s.doc().get("identifier").asText()).isEqualTo("loop-sync-1");
        });
        assertThatThrownBy(() -> docs.v1Insert(owner, Collection.ENTRIES, List.of(
                doc("{'type':'mbg','mbg':'abc','date':1765108800000}"))))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> docs.v1Insert(owner, Collection.ENTRIES, List.of(doc("{'type':'mbg','mbg':1}"))))
                .isInstanceOf(NsDocuments.Invalid.class);
    }

    @Test
    void findPushesTheTimeRangeDownFiltersSortsAndDeletesByQuery() {
        UUID owner = newOwner();
        List<ObjectNode> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(doc("{'eventType':'" + (i % 2 == 0 ? "Correction Bolus" : "Carb Correction") + "','created_at':'"
                    + Instant.parse("2025-12-07T00:00:00Z").plus(Duration.ofHours(i)) + "','insulin':" + i + "}"));
        }
        docs.v1Insert(owner, Collection.TREATMENTS, batch);
        NsQuery q = NsQuery.v1(Collection.TREATMENTS, params("find[created_at][$gte]=2025-12-07T10:00:00Z"
                + "&find[created_at][$lt]=2025-12-07T20:00:00Z&find[eventType]=Correction Bolus"));
        List<NsDocuments.Stored> found = docs.find(owner, Collection.TREATMENTS, q, 3, 0);
        assertThat(found).extracting(s -> s.doc().get("insulin").asInt()).containsExactly(18, 16, 14);
        assertThat(docs.find(owner, Collection.TREATMENTS, q, 3, 2)).extracting(s -> s.doc().get("insulin").asInt())
                .containsExactly(14, 12, 10);
        NsQuery asc = NsQuery.v3(Collection.TREATMENTS, params("sort=date&insulin$gte=25&limit=2"));
        assertThat(docs.find(owner, Collection.TREATMENTS, asc, asc.limit(), 0))
                .extracting(s -> s.doc().get("insulin").asInt()).containsExactly(25, 26);
        assertThat(NsDocuments.newestModified(found)).isPresent();
        assertThat(docs.delete(owner, Collection.TREATMENTS, q)).isEqualTo(5);
        assertThat(docs.count(owner, Collection.TREATMENTS)).isEqualTo(25);
        NsQuery windowed = NsQuery.all(Collection.TREATMENTS)
                .notBefore(Instant.parse("2025-12-08T04:00:00Z").toEpochMilli());
        assertThat(docs.find(owner, Collection.TREATMENTS, windowed, 100, 0)).hasSize(2);
    }

    @Test
    void anOwnerSeesOnlyTheirDocumentsAndNothingIsInClear() {
        UUID a = newOwner();
        UUID b = newOwner();
        String id = docs.v1Insert(a, Collection.TREATMENTS, List.of(
                doc("{'eventType':'Note','notes':'secret-note-42','glucose':123}"))).get(0).get("_id").asText();
        assertThat(docs.byId(b, Collection.TREATMENTS, id)).isEmpty();
        assertThat(docs.find(b, Collection.TREATMENTS, NsQuery.all(Collection.TREATMENTS), 10, 0)).isEmpty();
        assertThat(docs.deleteById(b, Collection.TREATMENTS, id)).isFalse();
        String dump = db.jdbi().withHandle(h -> h.createQuery(
                        "select concat_ws('|', id, encode(identifier_key, 'escape'), time_ms, encode(dedupe_key, 'escape'),"
                                + " encode(doc_enc, 'escape')) from nightscout_document where owner_id = :o")
                .bind("o", a).mapTo(String.class).one());
        assertThat(dump).doesNotContain("secret-note-42").doesNotContain("Note");
    }

    @Test
    void v3CreateValidatesComputesIdentifierAndDedupes() {
        UUID owner = newOwner();
        for (Map.Entry<String, String> bad : Map.of(
                "{'app':'AAPS','utcOffset':0}", "Bad or missing date field",
                "{'app':'AAPS','date':1000,'utcOffset':0}", "Bad or missing date field",
                "{'app':'AAPS','date':1765108800000,'utcOffset':2000}", "Bad or missing utcOffset field",
                "{'date':1765108800000,'utcOffset':0}", "Bad or missing app field",
                "{'app':' ','date':1765108800000}", "Bad or missing app field").entrySet()) {
            assertThatThrownBy(() -> docs.v3Create(owner, Collection.TREATMENTS, doc(bad.getKey()), "aaps"))
                    .as(bad.getKey()).isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).isEqualTo(bad.getValue());
                    });
        }
        ObjectNode bolus = doc("{'app':'AAPS','device':'pump','date':'2025-12-07T13:00:00.000+01:00',"
                + "'eventType':'Correction Bolus','insulin':1.5}");
        NsDocuments.Written first = docs.v3Create(owner, Collection.TREATMENTS, bolus, "aaps");
        assertThat(first.created()).isTrue();
        assertThat(first.identifier()).isEqualTo(NsDocuments.uuidV5("NightscoutRocks!".getBytes(StandardCharsets.US_ASCII),
                "pump_1765108800000_Correction Bolus").toString());
        ObjectNode v3 = first.stored().v3();
        assertThat(v3.get("date").asLong()).isEqualTo(1765108800000L);
        assertThat(v3.get("utcOffset").asInt()).isEqualTo(60);
        assertThat(v3.get("created_at").asText()).isEqualTo("2025-12-07T12:00:00.000Z");
        assertThat(v3.get("subject").asText()).isEqualTo("aaps");
        assertThat(v3.get("srvCreated").asLong()).isEqualTo(START.toEpochMilli());

        clock.advance(Duration.ofSeconds(5));
        // the same bolus again: the same computed identifier
        ObjectNode same = doc("{'app':'AAPS','device':'pump','date':1765108800000,'utcOffset':60,"
                + "'eventType':'Correction Bolus','insulin':2}");
        NsDocuments.Written dedup = docs.v3Create(owner, Collection.TREATMENTS, same, "aaps");
        assertThat(dedup.created()).isFalse();
        assertThat(dedup.deduplication()).isTrue();
        assertThat(dedup.identifier()).isEqualTo(first.identifier());
        assertThat(dedup.deduplicatedIdentifier()).isNull();
        NsDocuments.Stored now = docs.v3Read(owner, Collection.TREATMENTS, first.identifier()).orElseThrow();
        assertThat(now.doc().get("insulin").asDouble()).isEqualTo(2.0);
        assertThat(now.srvCreated()).isEqualTo(START.toEpochMilli());
        assertThat(now.srvModified()).isEqualTo(START.plusSeconds(5).toEpochMilli());
        ObjectNode otherApp = same.deepCopy();
        otherApp.put("app", "Trio");
        assertThatThrownBy(() -> docs.v3Create(owner, Collection.TREATMENTS, otherApp, "aaps"))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> assertThat(e.getMessage())
                        .isEqualTo("Field app cannot be modified by the client"));
        // a document with an identifier of its own is no fallback match: a new one
        ObjectNode ownId = same.deepCopy();
        ownId.put("identifier", "other-id");
        assertThat(docs.v3Create(owner, Collection.TREATMENTS, ownId, "aaps").created()).isTrue();

        // the fallback dedupe finds a v1 treatment by {created_at, eventType} and gives it the identifier
        String v1Id = docs.v1Insert(owner, Collection.TREATMENTS, List.of(doc("{'eventType':'Note','notes':'n',"
                + "'created_at':'2025-12-07T10:00:00.000Z'}"))).get(0).get("_id").asText();
        assertThat(docs.v3Read(owner, Collection.TREATMENTS, v1Id).orElseThrow().v3().get("identifier").asText())
                .isEqualTo(v1Id);
        NsDocuments.Written fallback = docs.v3Create(owner, Collection.TREATMENTS, doc("{'app':'AAPS',"
                + "'date':'2025-12-07T10:00:00Z','eventType':'Note','notes':'m'}"), null);
        assertThat(fallback.deduplication()).isTrue();
        assertThat(fallback.deduplicatedIdentifier()).isEqualTo(v1Id);
        assertThat(docs.byId(owner, Collection.TREATMENTS, v1Id).orElseThrow().doc().get("notes").asText())
                .isEqualTo("m");
        assertThat(docs.v3Read(owner, Collection.TREATMENTS, fallback.identifier())).isPresent();
        // epoch seconds and numeric strings are dates too
        assertThat(docs.v3Create(owner, Collection.DEVICESTATUS, doc("{'app':'AAPS','date':'1765108800',"
                + "'device':'openaps://x'}"), null).stored().doc().get("date").asLong()).isEqualTo(1765108800000L);
        // v1 readers see the v3 document with its created_at
        assertThat(docs.find(owner, Collection.TREATMENTS, NsQuery.v1(Collection.TREATMENTS,
                params("find[created_at]=2025-12-07T12:00:00.000Z")), 10, 0)).hasSize(2);
    }

    @Test
    void v3PatchPutDeleteAndHistory() {
        UUID owner = newOwner();
        clock.set(START);
        long since = clock.millis() - 1;
        NsDocuments.Written e = docs.v3Create(owner, Collection.ENTRIES, doc("{'app':'AAPS','type':'sgv','sgv':120,"
                + "'date':1765108800000,'utcOffset':0,'device':'dexcom'}"), null);
        NsDocuments.Written ro = docs.v3Create(owner, Collection.ENTRIES, doc("{'app':'xDrip','type':'sgv','sgv':99,"
                + "'date':1765109100000,'utcOffset':0,'isReadOnly':true}"), null);
        clock.advance(Duration.ofSeconds(1));
        NsDocuments.Stored patched = docs.v3Patch(owner, Collection.ENTRIES, e.identifier(),
                doc("{'direction':'Flat','sgv':121}"), "aaps");
        assertThat(patched.doc().get("sgv").asInt()).isEqualTo(121);
        assertThat(patched.doc().get("modifiedBy").asText()).isEqualTo("aaps");
        assertThatThrownBy(() -> docs.v3Patch(owner, Collection.ENTRIES, e.identifier(), doc("{'date':1}"), null))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> {
                    assertThat(x.status()).isEqualTo(400);
                    assertThat(x.getMessage()).isEqualTo("Field date cannot be modified by the client");
                });
        assertThat(docs.v3Patch(owner, Collection.ENTRIES, e.identifier(), doc("{'date':1765108800000,'noise':1}"),
                null).doc().get("noise").asInt()).as("an unchanged immutable field is fine").isEqualTo(1);
        assertThatThrownBy(() -> docs.v3Patch(owner, Collection.ENTRIES, ro.identifier(), doc("{'sgv':1}"), null))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> assertThat(x.status()).isEqualTo(422));
        assertThatThrownBy(() -> docs.v3Patch(owner, Collection.ENTRIES, "missing", doc("{'sgv':1}"), null))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> assertThat(x.status()).isEqualTo(404));

        NsDocuments.Written put = docs.v3Put(owner, Collection.ENTRIES, e.identifier(), doc("{'app':'AAPS',"
                + "'type':'sgv','sgv':130,'date':1765108800000,'utcOffset':0,'device':'dexcom'}"), "aaps");
        assertThat(put.created()).isFalse();
        assertThatThrownBy(() -> docs.v3Put(owner, Collection.ENTRIES, e.identifier(), doc("{'app':'AAPS',"
                + "'type':'sgv','sgv':130,'date':1765108800001,'utcOffset':0}"), null))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> assertThat(x.getMessage())
                        .isEqualTo("Field date cannot be modified by the client"));
        assertThatThrownBy(() -> docs.v3Patch(owner, Collection.ENTRIES, e.identifier(), doc("{}"), null))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> assertThat(x.getMessage())
                        .isEqualTo("Bad or missing request body"));
        assertThat(docs.v3Read(owner, Collection.ENTRIES, e.identifier()).orElseThrow().doc().has("direction"))
                .as("PUT replaces").isFalse();
        NsDocuments.Written upsert = docs.v3Put(owner, Collection.ENTRIES, "new-one", doc("{'app':'AAPS',"
                + "'type':'mbg','mbg':100,'date':1765109400000,'utcOffset':0}"), "aaps");
        assertThat(upsert.created()).isTrue();

        clock.advance(Duration.ofSeconds(1));
        assertThat(docs.v3Delete(owner, Collection.ENTRIES, e.identifier(), false)).isTrue();
        NsDocuments.Stored deleted = docs.v3Read(owner, Collection.ENTRIES, e.identifier()).orElseThrow();
        assertThat(deleted.valid()).isFalse();
        assertThat(deleted.v3().get("isValid").asBoolean()).isFalse();
        assertThatThrownBy(() -> docs.v3Patch(owner, Collection.ENTRIES, e.identifier(), doc("{'sgv':1}"), null))
                .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> assertThat(x.status()).isEqualTo(410));
        assertThat(docs.find(owner, Collection.ENTRIES, NsQuery.all(Collection.ENTRIES), 10, 0)).hasSize(2);
        assertThat(docs.v3Delete(owner, Collection.ENTRIES, "missing", false)).isFalse();
        assertThat(docs.v3Delete(owner, Collection.ENTRIES, upsert.identifier(), true)).isTrue();
        assertThat(docs.v3Read(owner, Collection.ENTRIES, upsert.identifier())).isEmpty();

        NsDocuments.History history = docs.v3History(owner, Collection.ENTRIES, since, 1000);
        assertThat(history.docs()).extracting(NsDocuments.Stored::identifier)
                .containsExactly(ro.identifier(), e.identifier());
        assertThat(history.docs().get(1).v3().get("isValid").asBoolean()).isFalse();
        assertThat(history.maxModified()).hasValue(deleted.srvModified());
        assertThat(docs.v3History(owner, Collection.ENTRIES, deleted.srvModified(), 10).docs()).isEmpty();
        assertThat(docs.v3History(owner, Collection.ENTRIES, since, 1).docs()).hasSize(1);
        assertThat(docs.lastModified(owner, Collection.ENTRIES)).hasValue(deleted.srvModified());
        assertThat(docs.lastModified(owner, Collection.FOOD)).isEmpty();
        assertThat(docs.lastModified(owner)).containsOnlyKeys(Collection.ENTRIES);
    }

    @Test
    void v5IdentifierMatchesNightscoutsUuidV5() {
        // RFC 4122 v5 of "www.example.com" in the DNS namespace (a published test vector)
        byte[] dns = java.nio.ByteBuffer.allocate(16).putLong(0x6ba7b8109dad11d1L).putLong(0x80b400c04fd430c8L)
                .array();
        assertThat(NsDocuments.uuidV5(dns, "www.example.com").toString())
                .isEqualTo("2ed6657d-e927-568b-95e1-2665a8aea6a2");
        ObjectNode noDevice = doc("{'date':1765108800000}");
        assertThat(NsDocuments.v5Identifier(noDevice)).isEqualTo(NsDocuments.uuidV5(
                "NightscoutRocks!".getBytes(StandardCharsets.US_ASCII), "undefined_1765108800000").toString());
        assertThat(NsDocuments.objectId(START.toEpochMilli())).matches("[0-9a-f]{24}").startsWith(
                Long.toHexString(START.getEpochSecond()));
    }
}
