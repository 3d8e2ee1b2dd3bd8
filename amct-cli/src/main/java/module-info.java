/**
 * The {@code amct} command: {@code decompose}, {@code apply}, {@code inspect} and {@code backends}
 * on ONNX models. Backends and the logging binding (slf4j-simple, to stderr) come on the module
 * path at run time; the CLI names none of them.
 */
module org.amct.cli {
    requires org.amct.api;
    requires org.amct.onnx;
    requires info.picocli;
    requires java.management;
    requires com.fasterxml.jackson.databind;

    opens org.amct.cli.command to
            info.picocli;
}
