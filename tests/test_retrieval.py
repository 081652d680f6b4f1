import pytest

from assistant.errors import InvalidQuestion, UnknownDocument
from assistant.indexing import build_index
from assistant.store import load_index
from assistant.lexical import terms
from assistant.retrieval import FusionWeights, Retriever, Voices, convex_fusion, reciprocal_rank_fusion, top_positions
from conftest import BRIEFING_NOTE, PUSH_FACTORS, UN_REVIEW, HashEmbedder

import numpy as np
from dataclasses import replace


def test_reciprocal_rank_fusion_by_hand():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)
    assert sorted(fused, key=lambda i: -fused[i]) == [1, 3, 2]


def test_convex_fusion_by_hand():
    fused = convex_fusion([{1: 0.9, 2: 0.5}, {2: 10.0, 3: 2.0}], [0.5, 0.5])
    assert fused == pytest.approx({1: 0.5, 2: 0.5, 3: 0.0})


def test_top_positions_respects_the_allowed_set():
    scores = np.array([0.1, 0.9, 0.0, 0.5], dtype=np.float32)
    assert list(top_positions(scores, 2)) == [1, 3]
    assert list(top_positions(scores, 5, np.array([0, 2, 3]))) == [3, 0]


@pytest.fixture
def hash_retriever(hash_settings):
    embedder = HashEmbedder()
    build_index(hash_settings, lambda: embedder)
    return Retriever(load_index(hash_settings), embedder, hash_settings)


def test_a_loaded_index_maps_its_vectors_from_disk_as_plain_arrays(hash_retriever):
    """Mapped, not read into memory; handed out as plain arrays, since numpy's memmap type costs a Python call on
    every row an answer takes."""
    index = hash_retriever.index
    for vectors in (index.sentence_vectors, index.dense.vectors):
        assert type(vectors) is np.ndarray and isinstance(vectors.base, np.memmap)


def test_search_box_words_rank_the_passages_holding_them_first(hash_retriever):
    """A query of a few words, not a question: the passages holding one of them come before those holding none,
    however close the others' vectors are."""

    def holds(query, hits):
        wanted = set(terms(query))
        return [bool(wanted & set(terms(hit.passage.indexed_text()))) for hit in hits]

    for query in ("Khartoum Process", "Hobbes social contract"):
        found = holds(query, hash_retriever.search(query, top_k=20))
        assert True in found and False in found and found == sorted(found, reverse=True)


def test_fusion_puts_the_worded_candidates_first_in_their_own_order():
    voices = Voices({1: 0.9, 2: 0.5, 3: 0.4, 4: 0.1}, worded=frozenset({3, 4}))
    fused = voices.fused(FusionWeights())
    assert sorted(fused, key=lambda p: -fused[p]) == [3, 4, 1, 2]
    assert fused[3] == 0.4 and fused[4] == 0.1  # the worded keep their scores
    assert Voices({1: 0.9, 2: 0.5}).fused(FusionWeights()) == {1: 0.9, 2: 0.5}


@pytest.mark.parametrize(
    ("question", "kwargs", "error", "message"),
    [
        ("   ", {}, InvalidQuestion, "empty"),
        ("x" * 5000, {}, InvalidQuestion, "limit"),
        ("police", {"top_k": 0}, InvalidQuestion, "top_k"),
        ("police", {"top_k": 500}, InvalidQuestion, "top_k"),
        ("police", {"doc_ids": ["no-such-brief"]}, UnknownDocument, "no-such-brief"),
        ("police", {"mode": "magic"}, InvalidQuestion, "mode"),
    ],
)
def test_bad_requests_are_clear_errors(hash_retriever, question, kwargs, error, message):
    with pytest.raises(error, match=message):
        hash_retriever.search(question, **kwargs)


def test_document_filter_and_top_k(hash_retriever):
    hits = hash_retriever.search("security sector reform recommendations", top_k=3, doc_ids=[UN_REVIEW])
    assert 1 <= len(hits) <= 3
    assert {h.passage.doc_id for h in hits} == {UN_REVIEW}
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_each_mode_returns_citable_passages(hash_retriever, mode):
    hits = hash_retriever.search("community policing and criminal investigative capacities", mode=mode)
    assert hits
    for hit in hits:
        document = hash_retriever.index.documents[hit.passage.doc_id]
        assert document.text[hit.passage.start : hit.passage.end] == hit.passage.text


# ---------------------------------------------------------------- with the real model

KNOWN_MISS = pytest.mark.xfail(strict=True, reason="known retrieval miss (see eval report, paraphrase kind)")
PARAPHRASES = [
    # rank 5 by BM25 and the passage's cosine alone, rank 10 with its best sentence (no sentence of it says "gangs")
    pytest.param("Violent street gangs run a peaceful country and families run away: what helps?", "community policing", marks=KNOWN_MISS),
    pytest.param("Who is the first official a person fleeing by boat usually meets?", "first point of interaction", marks=KNOWN_MISS),
    pytest.param("Can reforms of the police and army be imposed by foreign donors?", "imposed from above or from outside", marks=KNOWN_MISS),
    ("Is immigration itself a threat to a country's safety?", "Migration is not a security issue in itself"),
    ("What did the review suggest the UN Security Council should do?", "Increase UN Security Council dialogue"),
]


@pytest.mark.model
@pytest.mark.parametrize(("question", "evidence"), PARAPHRASES)
def test_paraphrased_questions_find_the_right_passage(real_retriever, question, evidence):
    hits = real_retriever.search(question, top_k=5)
    assert any(evidence in t for h in hits for t in (h.passage.text, *(d.text for d in h.duplicates))), [
        h.passage.section for h in hits
    ]


@pytest.mark.model
def test_the_two_briefs_that_repeat_each_other_are_one_hit(real_retriever):
    hits = real_retriever.search("What does SSR recommend against armed violence in countries formally at peace?", top_k=5)
    merged = [h for h in hits if h.duplicates]
    assert merged, "expected the briefing note and the web page to be collapsed into one hit"
    for hit in merged:
        docs = {hit.passage.doc_id, *(d.doc_id for d in hit.duplicates)}
        assert docs == {BRIEFING_NOTE, PUSH_FACTORS}
    ids = [h.passage.passage_id for h in hits] + [d.passage_id for h in hits for d in h.duplicates]
    assert len(ids) == len(set(ids))


@pytest.mark.model
def test_query_embeddings_are_cached(real_retriever):
    embedder = real_retriever.embedder
    embedder.clear_cache()
    real_retriever.search("What is the role of parliament in oversight?")
    misses = embedder.cache_info["misses"]
    real_retriever.search("What is the role of parliament in oversight?")
    assert embedder.cache_info["misses"] == misses
    assert embedder.cache_info["hits"] >= 1


def test_a_passages_best_sentence_is_a_third_voice_in_hybrid_search(real_retriever):
    from assistant.retrieval import PASSAGE_RANKING_PATH, FusionWeights, SearchRequest, convex_fusion, fitted_weights

    index = real_retriever.index
    shipped = fitted_weights(PASSAGE_RANKING_PATH, index.manifest.model)
    assert shipped.sentence > 0 and real_retriever.weights == shipped  # the weights `assistant fit` chose are the default
    question = "Why do people flee when the state cannot protect persecuted minorities?"
    vector = real_retriever.embedder.embed_query(question)
    request = SearchRequest(question, 10)
    without = real_retriever.fused_scores(request, vector, FusionWeights())
    best = real_retriever.best_sentences(without, vector)
    for position, cosine in list(best.items())[:5]:  # the cosine of the passage's best sentence, no other
        sentences = index.sentences.by_passage[position]
        assert cosine == pytest.approx(float(max(index.sentence_vectors[s] @ vector for s in sentences)), abs=1e-6)
    with_sentences = real_retriever.fused_scores(request, vector, FusionWeights(sentence=0.7))
    assert with_sentences == pytest.approx(convex_fusion([without, best], [1.0, 0.7]))
    ranked = [hit.passage.passage_id for hit in real_retriever.search(question, top_k=10, vector=vector, weights=FusionWeights(0.7))]
    unranked = [hit.passage.passage_id for hit in real_retriever.search(question, top_k=10, vector=vector, weights=FusionWeights())]
    assert ranked != unranked  # it moves passages


def test_phrases_are_adjacent_content_words():
    from assistant.retrieval import phrases

    assert phrases("the Alliance for Prosperity") == {("allianc", "prosper")}  # "for" is a stopword: the pair stands
    assert phrases("prosperity and an alliance") == {("prosper", "allianc")}  # order counts
    assert phrases("Alliance") == frozenset() and phrases("") == frozenset()


def test_a_passage_holding_the_questions_phrase_is_a_fourth_voice(real_retriever):
    from assistant.retrieval import SearchRequest, phrases

    index = real_retriever.index
    assert real_retriever.weights.phrase > 0  # fitted with the sentence weight
    question = "Common European Asylum System"
    request = SearchRequest(question, 10)
    voices = replace(real_retriever.voices(request), worded=None)  # search-box words; their gate has tests of its own
    wanted = phrases(question)
    idf = index.lexical.idf
    total = sum(idf(a) + idf(b) for a, b in wanted)
    for position, share in voices.phrases.items():  # IDF-weighted share of the question's pairs in the passage or its path
        passage = index.passages[position]
        held = phrases(passage.text) | phrases(" ".join(passage.section_path))
        assert share == pytest.approx(sum(idf(a) + idf(b) for a, b in wanted & held) / total)
    assert max(voices.phrases.values()) == pytest.approx(1.0)  # a passage names the system in full
    weights = FusionWeights(0.5, 0.3)
    assert voices.fused(weights) == pytest.approx(convex_fusion([voices.base, voices.sentences, voices.phrases], [1.0, 0.5, 0.3]))
    assert voices.fused(FusionWeights(0.5, 0.0)) == pytest.approx(convex_fusion([voices.base, voices.sentences], [1.0, 0.5]))
    # a question of one content word has no phrase
    assert real_retriever.voices(SearchRequest("asylum", 10)).phrases == {}


def test_a_passage_defining_the_term_a_question_asks_about_is_a_fifth_voice(real_retriever):
    from assistant.definitions import IDENTITY, KIND, definition_strength
    from assistant.retrieval import SearchRequest

    index = real_retriever.index
    table, documents = index.sentences, index.documents
    assert real_retriever.weights.definition > 0  # fitted with the other two
    voices = real_retriever.voices(SearchRequest("What is security sector reform?", 10))
    # 1 where a sentence of the passage says what the term is ("SSR is the …"), 0.5 where one only says what kind of
    # thing it is ("SSR is a long-term endeavour"), 0 elsewhere
    assert voices.definitions and set(voices.definitions.values()) == {0.0, KIND / IDENTITY, 1.0}
    for position, value in voices.definitions.items():
        strengths = [definition_strength(table.text(int(s), documents), "security sector reform") for s in table.by_passage[position]]
        assert value == max(strengths, default=0) / IDENTITY
    weights = FusionWeights(0.5, 0.0, 1.0)
    assert voices.fused(weights) == pytest.approx(convex_fusion([voices.base, voices.sentences, voices.definitions], [1.0, 0.5, 1.0]))
    # any other question has no such voice
    assert real_retriever.voices(SearchRequest("Why do people flee compulsory military service?", 10)).definitions == {}


def test_the_weight_settings_override_the_fitted_ones(real_retriever):

    settings = real_retriever.settings.model_copy(
        update={"sentence_weight": 0.0, "phrase_weight": 0.0, "definition_weight": 0.0, "near_words": False}
    )
    plain = Retriever(real_retriever.index, real_retriever.embedder, settings)
    assert plain.weights == FusionWeights(0.0, 0.0, 0.0)
    for question in ("Why do people flee when the state cannot protect persecuted minorities?", "What is security sector reform?"):
        assert [h.passage.passage_id for h in plain.search(question)] == [
            h.passage.passage_id for h in real_retriever.search(question, weights=FusionWeights())
        ]


def test_british_and_american_spellings_are_one_term():
    assert terms("defence organisation programme criticised labour centre") == terms(
        "defense organization program criticized labor center"
    )
    assert terms("criticised") == terms("criticism")  # the stemmer alone made "criticis" and "critic"
    assert terms("practice, practise") == ["practic", "practic"] and terms("police") == ["polic"]


def test_united_of_a_name_is_no_unit(tmp_path):
    assert terms("United Nations") != terms("unit nations") and terms("units") == terms("unit")
    retriever = retriever_over(tmp_path, {
        "harbour.md": ("# Harbour\n\n## Partners\n\nThe United Harbours Board meets the ministry every spring.\n\n"
                       "## Crews\n\nEach pilot unit keeps two boats at the quay.\n"),
    })
    assert "Each pilot unit" in retriever.search("pilot units", top_k=1, mode="bm25")[0].passage.text
    assert retriever.index.lexical.scores("units")[0] == 0.0  # the Board's passage holds no "unit"


def retriever_over(folder, briefs: dict[str, str]) -> Retriever:
    """A retriever over briefs of our own (file name -> Markdown), indexed with the hash embedder."""
    from assistant.settings import Settings

    corpus = folder / "corpus"
    corpus.mkdir()
    for name, text in briefs.items():
        (corpus / name).write_text(text)
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index", embedding_model="test-hash")
    build_index(settings, lambda: HashEmbedder())
    return Retriever(load_index(settings), HashEmbedder(), settings)


def test_a_question_in_one_spelling_finds_a_brief_written_in_the_other(tmp_path):
    """Briefs of our own, one in British spelling, one in American; each question in the other spelling finds its
    passage first by its words alone (BM25)."""
    retriever = retriever_over(tmp_path, {
        "harbour-patrols.md": (
            "# Harbour Patrols\n\n## Defence\n\nThe defence ministry organised harbour patrols; the programme was "
            "criticised for its labour costs.\n\n## Fishing\n\nFishing boats leave at dawn and return at noon.\n"
        ),
        "city-clinics.md": (
            "# City Clinics\n\n## Care\n\nThe clinics were organized around a center that prioritized the "
            "neighborhood's elderly.\n\n## Roads\n\nThe roads to the clinics are paved every spring.\n"
        ),
    })
    for question, section in (
        ("Why was the defense program criticized?", "Defence"),
        ("What did the labor costs of the organized patrols do?", "Defence"),
        ("Which centre prioritises the neighbourhood?", "Care"),
    ):
        best = retriever.search(question, mode="bm25", top_k=1)[0].passage
        assert best.section_path[-1] == section, question


def test_a_definition_question_searches_the_term_not_the_words_asking_for_it(tmp_path):
    """"What is the definition of a pilot?" asks what a pilot is: BM25 searches the term, so the page on what the
    board's definitions of harbour zones are does not outrank the line saying what a pilot is."""
    from assistant.retrieval import lexical_query

    assert lexical_query("What is the definition of a pilot?").split() == "What is the of a pilot?".split()
    assert lexical_query("pilot meaning").split() == ["pilot"]
    assert lexical_query("What do pilots mean for the port's safety record?") == (  # no term asked: as typed
        "What do pilots mean for the port's safety record?"
    )
    retriever = retriever_over(tmp_path, {
        "harbour-zones.md": (
            "# Harbour Zones\n\n## Definitions\n\nThe board's definition of a harbour zone changed twice; each "
            "definition sets the dues, and a new definition needs the council's vote. The definition of the outer zone "
            "is disputed.\n"
        ),
        "harbour-terms.md": (
            "# Harbour Terms\n\n## Terms\n\nPilot: a captain licensed to guide ships past the sand bars of one "
            "harbour.\n\nBuoy: a float that marks the channel.\n"
        ),
    })
    best = retriever.search("What is the definition of a pilot?", mode="bm25", top_k=1)[0].passage
    assert best.doc_id == "harbour-terms"


def test_a_question_asking_the_role_an_actor_plays_searches_the_actor_not_the_frame(tmp_path):
    """"What role can pilots play in rescues?" asks about pilots: BM25 searches without "role" and "play", so a page
    on the roles dockers play at night does not outrank the one line on pilots in rescues."""
    from assistant.retrieval import lexical_query

    assert lexical_query("What role can pilots play in rescues?").split() == "What can pilots in rescues?".split()
    assert lexical_query("What part does the harbour master play?").split() == "What does the harbour master?".split()
    assert lexical_query("What is the role of the harbour master?") == "What is the role of the harbour master?"
    retriever = retriever_over(tmp_path, {
        "docks.md": (
            "# Docks\n\n## Night shifts\n\nDockers play many roles at night: the role of the crane driver, the role "
            "of the lasher, and the roles they play in rescues when a boat sinks.\n"
        ),
        "rescues.md": "# Rescues\n\n## Who helps\n\nHarbour pilots guide lifeboats to ships in distress.\n",
    })
    best = retriever.search("What role can pilots play in rescues?", mode="bm25", top_k=1)[0].passage
    assert best.doc_id == "rescues"


def test_bm25_built_in_chunks_scores_exactly_as_bm25s_does_from_words(tmp_path, monkeypatch):
    """The lexical index builds bm25s's matrix itself, two texts per chunk here so that terms span chunks; its
    scores are bm25s's own from word lists, to the bit, for every passage and query, empty texts and repeated words
    included, and survive a save and load."""
    import bm25s

    from assistant import lexical
    from assistant.lexical import LexicalIndex, terms

    monkeypatch.setattr(lexical, "CHUNK_TEXTS", 2)

    texts = [
        "Border police patrol the coast; the police check papers at night.",
        "",
        "Reform of the justice sector takes years of patient work.",
        "Police police police reform.",
        "Displacement follows conflict, and conflict follows displacement.",
    ]
    reference = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
    reference.index([terms(t) for t in texts], show_progress=False)
    ours = LexicalIndex.build(texts)
    ours.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    for query in ["police reform", "conflict displacement", "justice", "police police", "nothing matches"]:
        known = reference.get_tokens_ids(terms(query))
        expected = reference.get_scores_from_ids(known) if known else np.zeros(len(texts))
        assert np.array_equal(ours.scores(query), expected) and np.array_equal(loaded.scores(query), expected)
    assert ours.document_frequency(terms("police")[0]) == 2 and ours.knows(terms("justice")[0])
