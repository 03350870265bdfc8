"""The demo console: try requests against the sample apps, offline by default."""
