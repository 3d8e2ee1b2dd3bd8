// tag::consumer[]
module com.example.compress {
    requires org.amct.api;
    requires org.amct.onnx;
}
// end::consumer[]
