"""The retrieval library: loading, chunking, encoding, indexing and hybrid search."""
