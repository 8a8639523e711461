"""Writing the county to disk: transaction Bundles, NDJSON, DICOM, terminology and truth."""
