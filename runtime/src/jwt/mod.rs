//! JWT validators: configuration, the decoding policy and key sources.
