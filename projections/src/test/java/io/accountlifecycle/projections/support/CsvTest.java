package io.accountlifecycle.projections.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsvTest {

    @Test
    void everyValueIsQuotedAndAMissingOneIsAnEmptyField() {
        assertThat(Csv.record("alice", null, "", "42")).isEqualTo("\"alice\",,\"\",\"42\"\r\n");
    }

    @Test
    void quotesCommasAndLineBreaksStayInsideTheirField() {
        assertThat(Csv.field("say \"no\", twice")).isEqualTo("\"say \"\"no\"\", twice\"");
        assertThat(Csv.field("two\r\nlines\nand more")).isEqualTo("\"two\r\nlines\nand more\"");
        assertThat(Csv.field("\"")).isEqualTo("\"\"\"\"");
    }

    @Test
    void aValueThatBeginsLikeAFormulaGetsASingleQuoteBeforeIt() {
        assertThat(Csv.field("=1+1")).isEqualTo("\"'=1+1\"");
        assertThat(Csv.field("+31 20 555 0100")).isEqualTo("\"'+31 20 555 0100\"");
        assertThat(Csv.field("-2+3")).isEqualTo("\"'-2+3\"");
        assertThat(Csv.field("@SUM(A1:A9)")).isEqualTo("\"'@SUM(A1:A9)\"");
        assertThat(Csv.field("\t=cmd")).isEqualTo("\"'\t=cmd\"");
        assertThat(Csv.field("\r=cmd")).isEqualTo("\"'\r=cmd\"");
    }

    @Test
    void aFormulaIsEscapedBeforeItsQuotesAreDoubled() {
        assertThat(Csv.field("=HYPERLINK(\"https://evil.example\",\"click\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"click\"\")\"");
    }

    @Test
    void onlyTheFirstCharacterMakesAFormula() {
        assertThat(Csv.field("a=b")).isEqualTo("\"a=b\"");
        assertThat(Csv.field(" =1+1")).isEqualTo("\" =1+1\"");
        assertThat(Csv.field("'=already quoted")).isEqualTo("\"'=already quoted\"");
        assertThat(Csv.field("Zoë, née Müller")).isEqualTo("\"Zoë, née Müller\"");
    }
}
