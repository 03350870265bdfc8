"""Reading a request's arguments on the device: annotated examples become training frames,
a span tagger over the encoder's token states finds the values, typed readers turn them into
arguments, and a calibrated decision says when the device may act."""
