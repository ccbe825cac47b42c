package io.jrq.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header row, left-aligned text columns, right-aligned number columns. */
final class Table {
    private final List<String> header;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param header the column names; a name starting with {@code >} is right-aligned (the {@code >} is dropped)
     */
    Table(String... header) {
        this.header = new ArrayList<>();
        this.right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].startsWith(">");
            this.header.add(right[i] ? header[i].substring(1) : header[i]);
        }
    }

    /** @param cells one cell per column (may hold colour sequences) @return this table */
    Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        rows.add(List.of(cells));
        return this;
    }

    /** @return true when no row was added */
    boolean isEmpty() {
        return rows.isEmpty();
    }

    /**
     * @param out where to print
     * @param term how to print the header
     */
    void print(PrintWriter out, Terminal term) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], Terminal.visibleLength(r.get(i)));
            }
        }
        List<String> bold = new ArrayList<>();
        for (int i = 0; i < width.length; i++) {
            bold.add(term.bold(header.get(i)));
        }
        line(out, bold, width);
        for (List<String> r : rows) {
            line(out, r, width);
        }
    }

    private void line(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            int pad = width[i] - Terminal.visibleLength(c);
            if (i > 0) {
                b.append("  ");
            }
            if (right[i]) {
                b.append(" ".repeat(pad)).append(c);
            } else {
                b.append(c);
                if (i < cells.size() - 1) {
                    b.append(" ".repeat(pad));
                }
            }
        }
        out.println(b.toString().stripTrailing());
    }
}
