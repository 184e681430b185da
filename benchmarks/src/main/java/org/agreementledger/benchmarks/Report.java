package org.agreementledger.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The results as Markdown: each section printed as soon as it is known, all of them written to a file at the end. */
final class Report {

    private final StringBuilder markdown = new StringBuilder();

    void heading(String text) {
        add("## " + text + "\n");
    }

    void section(String title, String body) {
        add("### " + title + "\n\n" + body.strip() + "\n");
    }

    private void add(String text) {
        System.out.println();
        System.out.println(text);
        markdown.append(text).append('\n');
    }

    void writeTo(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Files.writeString(absolute, markdown.toString());
    }

    /** A Markdown table; the first column left-aligned, the others (numbers) right-aligned. */
    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder table = new StringBuilder();
        row(table, header);
        table.append("|---");
        table.append("|---:".repeat(header.size() - 1));
        table.append("|\n");
        rows.forEach(cells -> row(table, cells));
        return table.toString();
    }

    private static void row(StringBuilder table, List<String> cells) {
        table.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    static String ratio(double numerator, double denominator) {
        return denominator > 0 ? format("%.2f", numerator / denominator) : "n/a";
    }

    static String mib(long kib) {
        return format("%.0f", kib / 1024.0);
    }
}
