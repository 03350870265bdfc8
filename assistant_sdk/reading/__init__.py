"""Reading a request's arguments on the device: annotated examples become training frames,
a span tagger over the encoder's token states finds the values, typed readers turn them into
arguments, and a calibrated decision says when the device may act. The whole-request reading
(``_whole_fill``, ``_whole_text``, ``_whole_checks``: which parameter takes which words, by
kind, and the signs that one call would not do) reads each request too; the two readings
complete and check each other (``act``, ``decide``)."""
