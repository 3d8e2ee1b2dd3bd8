package org.amct.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.amct.spi.DenseMatrix;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(ReferenceFixtureSetNames.class)
class ReferenceFixturesTest {
    @Test
    void directoryHoldsExpectedJsonAndTheCasesItNames() throws IOException {
        Path directory = ReferenceFixtures.directory();
        assertTrue(Files.isRegularFile(directory.resolve("expected.json")), directory.toString());
        assertTrue(
                Files.isRegularFile(directory.resolve("decompose_info.json")),
                directory.toString());
        List<ReferenceFixtures.FixtureCase> cases = ReferenceFixtures.decomposedCases(directory);
        assertEquals(
                ReferenceFixtures.isFullSet() ? 12 : 8,
                cases.stream()
                        .filter(c -> Files.isRegularFile(directory.resolve(c.file())))
                        .count());
    }

    @Test
    void readsWeightAsFloat32AndSingularValuesAsFloat64() throws IOException {
        Map<String, FixtureTensor> tensors =
                ReferenceFixtures.readSafetensors(
                        ReferenceFixtures.directory()
                                .resolve("v10_scfk_stem_32x3x7x7.safetensors"));
        FixtureTensor weight = tensors.get("weight");
        assertEquals("F32", weight.dtype());
        assertArrayEquals(new int[] {32, 3, 7, 7}, weight.shape());
        FixtureTensor values = tensors.get("singular_values");
        assertEquals("F64", values.dtype());
        assertArrayEquals(new int[] {21}, values.shape());
        DenseMatrix a = Unfolding.of(weight);
        assertEquals(21, a.rows());
        assertEquals(224, a.cols());
    }

    @Test
    void unfoldingPlacesEachElementAsAlgorithmSection2Says() {
        int cout = 2;
        int cin = 3;
        int kh = 5;
        int kw = 4;
        double[] weight = new double[cout * cin * kh * kw];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = i;
        }
        // Cout < Cin and kh > kw: FCSK, which swaps both the channel and the kernel axes.
        DenseMatrix a = Unfolding.of(weight, cout, cin, kh, kw, UnfoldingMode.FCSK);
        // FC: T[i=c, j=o, ...]; SK: p = w, q = h. s = [cin, cout, kw, kh].
        assertEquals(cout * kw, a.rows());
        assertEquals(cin * kh, a.cols());
        int o = 1;
        int c = 2;
        int h = 4;
        int w = 3;
        double element = weight[((o * cin + c) * kh + h) * kw + w];
        assertEquals(element, a.get(o * kw + w, c * kh + h));
        assertEquals(UnfoldingMode.FCSK, UnfoldingMode.of(cout, cin, kh, kw));
    }

    @Test
    void theFullSetIsUsedOnlyNextToTheRepositoryRootTheBuildNames(@TempDir Path temp)
            throws IOException {
        String property = ReferenceFixtures.REPOSITORY_ROOT_PROPERTY;
        String saved = System.getProperty(property);
        Path repository = Files.createDirectories(temp.resolve("repo"));
        try {
            System.setProperty(property, repository.toString());
            assertFalse(ReferenceFixtures.isFullSet(), "no ../shared next to " + repository);
            assertTrue(
                    ReferenceFixtures.describeSet()
                            .startsWith("bundled small reference fixture set (8 cases"),
                    ReferenceFixtures.describeSet());
            Path shared = Files.createDirectories(temp.resolve("shared/fixtures/reference"));
            Files.copy(
                    ReferenceFixtures.directory().resolve("expected.json"),
                    shared.resolve("expected.json"));
            assertTrue(ReferenceFixtures.isFullSet());
            assertEquals(shared, ReferenceFixtures.directory());
            assertTrue(
                    ReferenceFixtures.describeSet().startsWith("full reference fixture set ("),
                    ReferenceFixtures.describeSet());
        } finally {
            if (saved == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, saved);
            }
        }
    }
}
