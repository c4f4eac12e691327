package org.mqcgm.core.imports;

/**
 * A row left out of an import and why.
 *
 * @param row    for CSV the 1-based line the row starts on; for JSON the 1-based position of the item in the array
 * @param reason why it is left out, in plain words (never the cell's content)
 */
public record Skipped(int row, String reason) {
}
