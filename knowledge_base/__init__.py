"""The retrieval library: loading, chunking, encoding, indexing, hybrid search, decisions.

What the rest of the project uses:

- `knowledge_base.service.get_knowledge_base()` -> `KnowledgeBase` (one per process; reloads
  itself when `kb ingest` publishes a new index): `.ask(query, doc_id=None) -> Decision`,
  `.search(query, k, mode) -> SearchResult`, `.ingest(paths)`, `.document(doc_id)`.
- `knowledge_base.decision`: `Outcome` (answered / did_you_mean / no_answer), `Decision`.
- `knowledge_base.ingest.ingest(paths, encoder, config)` -> `IngestReport`.
- `knowledge_base.config.load()` -> `KBConfig` (thresholds and weights from KB_* variables).
- `knowledge_base.encoder`: `Encoder`, `SentenceTransformerEncoder`, `get_encoder()`.
"""
