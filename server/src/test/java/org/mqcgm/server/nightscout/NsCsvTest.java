package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.nightscout.NsCsv.Format;

/** Entries as CSV/TSV/TXT, line for line what Nightscout 15's formatWithSeparator writes. */
class NsCsvTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode doc(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void noHeaderOneLinePerEntryJsonStringifiedCells() throws Exception {
        List<JsonNode> entries = List.of(
                doc("{'_id':'x','type':'sgv','sgv':120,'date':1765108800000,'dateString':'2025-12-07T12:00:00.000Z',"
                        + "'direction':'Flat','device':'xDrip-DexcomG6','noise':1}"),
                doc("{'type':'mbg','mbg':95,'date':1765108500000.0,'dateString':'2025-12-07T11:55:00.000Z',"
                        + "'direction':null,'device':'Meter, \\\"One\\\"\\tTouch'}"));
        assertThat(NsCsv.format(entries, Format.CSV)).isEqualTo(
                "\"2025-12-07T12:00:00.000Z\",1765108800000,120,\"Flat\",\"xDrip-DexcomG6\"\r\n"
                        + "\"2025-12-07T11:55:00.000Z\",1765108500000,,\"\",\"Meter, \\\"One\\\"\\tTouch\"");
        assertThat(NsCsv.format(entries.subList(0, 1), Format.TSV)).isEqualTo(
                "\"2025-12-07T12:00:00.000Z\"\t1765108800000\t120\t\"Flat\"\t\"xDrip-DexcomG6\"");
        assertThat(NsCsv.format(entries.subList(0, 1), Format.TXT)).isEqualTo(
                NsCsv.format(entries.subList(0, 1), Format.TSV));
        assertThat(NsCsv.format(List.of(), Format.CSV)).isEmpty();
        assertThat(NsCsv.format(List.of(doc("{'sgv':5.5}")), Format.CSV)).isEqualTo(",,5.5,,");
    }

    @Test
    void formatsByExtensionAndAccept() {
        assertThat(Format.ofExtension("csv")).contains(Format.CSV);
        assertThat(Format.ofExtension("TSV")).contains(Format.TSV);
        assertThat(Format.ofExtension("txt")).contains(Format.TXT);
        assertThat(Format.ofExtension("json")).isEmpty();
        assertThat(Format.ofAccept("text/csv;q=0.9, application/json")).contains(Format.CSV);
        assertThat(Format.ofAccept("application/json, text/plain")).isEmpty();
        assertThat(Format.ofAccept(null)).isEmpty();
        assertThat(Format.TSV.contentType).isEqualTo("text/tab-separated-values");
    }
}
