package org.amct.api.exception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuotedTest {
    @Test
    void shortTextIsQuotedAsIs() {
        assertEquals("'conv1'", Quoted.of("conv1"));
        assertEquals("null", Quoted.of(null));
        String longest = "a".repeat(Quoted.MAX_CHARS);
        assertEquals("'" + longest + "'", Quoted.of(longest));
    }

    @Test
    void longTextIsCutWithAnEllipsisAndItsFullLength() {
        String cut = "a".repeat(Quoted.MAX_CHARS);
        assertEquals("'" + cut + "...' (1,000,000 characters)", Quoted.of("a".repeat(1_000_000)));
        assertEquals(cut + "... (1,000,000 characters)", Quoted.bare("a".repeat(1_000_000)));
        assertEquals("abc... (6 characters)", Quoted.text("abcdef", 3));
    }

    @Test
    void controlCharactersAreEscapedSoTheMessageStaysOneLine() {
        assertEquals("'a\\u000ab'", Quoted.of("a\nb"));
        assertFalse(Quoted.of("x\r\n".repeat(500)).contains("\n"));
    }

    @Test
    void aSurrogatePairIsNeverSplit() {
        String text = "a".repeat(Quoted.MAX_CHARS - 1) + "\uD83D\uDE00" + "b".repeat(10);
        String quoted = Quoted.of(text);
        assertTrue(quoted.startsWith("'" + "a".repeat(Quoted.MAX_CHARS - 1) + "...'"), quoted);
    }
}
