package org.amct.api.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTML report says about the run besides the result itself: the model file, the amct
 * version, the date and the command line (shown at the top), more facts for the summary (a target
 * and whether it was met, say) and more sections (the fidelity measured on real inputs, say). All
 * of it is optional; {@link #empty()} gives a report of the result alone. Immutable.
 */
public final class ReportContext {
    private final Optional<String> model;
    private final Optional<String> version;
    private final Optional<Instant> date;
    private final Optional<String> commandLine;
    private final List<Fact> facts;
    private final List<Section> sections;

    private ReportContext(Builder builder) {
        this.model = Optional.ofNullable(builder.model);
        this.version = Optional.ofNullable(builder.version);
        this.date = Optional.ofNullable(builder.date);
        this.commandLine = Optional.ofNullable(builder.commandLine);
        this.facts = List.copyOf(builder.facts);
        this.sections = List.copyOf(builder.sections);
    }

    /**
     * No context: the report shows the result alone.
     *
     * @return an empty context
     */
    public static ReportContext empty() {
        return builder().build();
    }

    /**
     * A builder with nothing set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The model file's name, for the title.
     *
     * @return for example {@code tiny_resnet.onnx}
     */
    public Optional<String> model() {
        return model;
    }

    /**
     * The amct version that made the report.
     *
     * @return for example {@code 0.1.0}
     */
    public Optional<String> version() {
        return version;
    }

    /**
     * When the run happened.
     *
     * @return the instant, shown in UTC
     */
    public Optional<Instant> date() {
        return date;
    }

    /**
     * The command line of the run.
     *
     * @return for example {@code amct decompose model.onnx -o out --report-html}
     */
    public Optional<String> commandLine() {
        return commandLine;
    }

    /**
     * More facts for the summary, in order.
     *
     * @return the facts
     */
    public List<Fact> facts() {
        return facts;
    }

    /**
     * More sections, in order, after the summary.
     *
     * @return the sections
     */
    public List<Section> sections() {
        return sections;
    }

    /**
     * One line of the summary: a term and its value, both plain text.
     *
     * @param term for example {@code "Target"}
     * @param value for example {@code "40% of Conv2d parameters: met (39.6%)"}
     */
    public record Fact(String term, String value) {
        /**
         * Checks the parts are present.
         *
         * @param term for example {@code "Target"}
         * @param value for example {@code "40% of Conv2d parameters: met (39.6%)"}
         */
        public Fact {
            Objects.requireNonNull(term, "term");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A section of its own: a heading, a sentence and a table, all plain text (escaped when
     * rendered). The fidelity of the decomposed model on real inputs is one.
     *
     * @param id the section's anchor, letters, digits and {@code -} only, for example {@code
     *     "fidelity"}
     * @param title the heading
     * @param intro the sentence under the heading, may be empty
     * @param columns the table's column headings, may be empty for no table
     * @param rows the table's rows, each with as many cells as there are columns
     */
    public record Section(
            String id, String title, String intro, List<String> columns, List<List<String>> rows) {
        /**
         * Checks the id and the row widths, and copies the lists.
         *
         * @param id the section's anchor, letters, digits and {@code -} only
         * @param title the heading
         * @param intro the sentence under the heading, may be empty
         * @param columns the table's column headings, may be empty for no table
         * @param rows the table's rows, each with as many cells as there are columns
         * @throws IllegalArgumentException if the id has other characters, or a row's width differs
         *     from the columns'
         */
        public Section {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(intro, "intro");
            if (!id.matches("[A-Za-z][A-Za-z0-9-]*")) {
                throw new IllegalArgumentException(
                        "Section id '" + id + "' must be a letter then letters, digits or '-'");
            }
            columns = List.copyOf(columns);
            List<List<String>> copied = new ArrayList<>();
            for (List<String> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException(
                            "Section '"
                                    + id
                                    + "': a row has "
                                    + row.size()
                                    + " cells, the table has "
                                    + columns.size()
                                    + " columns");
                }
                copied.add(List.copyOf(row));
            }
            rows = List.copyOf(copied);
        }
    }

    /** Builds a {@link ReportContext}. Not thread-safe. */
    public static final class Builder {
        private String model;
        private String version;
        private Instant date;
        private String commandLine;
        private final List<Fact> facts = new ArrayList<>();
        private final List<Section> sections = new ArrayList<>();

        private Builder() {}

        /**
         * Sets the model file's name.
         *
         * @param value the name, shown in the title
         * @return this builder
         */
        public Builder model(String value) {
            this.model = Objects.requireNonNull(value, "model");
            return this;
        }

        /**
         * Sets the amct version.
         *
         * @param value for example {@code 0.1.0}
         * @return this builder
         */
        public Builder version(String value) {
            this.version = Objects.requireNonNull(value, "version");
            return this;
        }

        /**
         * Sets the date of the run.
         *
         * @param value the instant
         * @return this builder
         */
        public Builder date(Instant value) {
            this.date = Objects.requireNonNull(value, "date");
            return this;
        }

        /**
         * Sets the command line.
         *
         * @param value the command as typed
         * @return this builder
         */
        public Builder commandLine(String value) {
            this.commandLine = Objects.requireNonNull(value, "commandLine");
            return this;
        }

        /**
         * Adds a fact to the summary.
         *
         * @param term the term
         * @param value its value
         * @return this builder
         */
        public Builder fact(String term, String value) {
            facts.add(new Fact(term, value));
            return this;
        }

        /**
         * Adds a section after the summary.
         *
         * @param section the section
         * @return this builder
         */
        public Builder section(Section section) {
            sections.add(Objects.requireNonNull(section, "section"));
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         */
        public ReportContext build() {
            return new ReportContext(this);
        }
    }
}
